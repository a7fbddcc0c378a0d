from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "gongjian.agreements"
    label = "agreements"
