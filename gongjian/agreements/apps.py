from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "gongjian.agreements"
    label = "agreements"

    def ready(self):
        from . import signals  # noqa: F401
