from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "gongjian.exchange"
    label = "exchange"
