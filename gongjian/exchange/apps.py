from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "gongjian.exchange"
    label = "exchange"

    def ready(self):
        from . import signals  # noqa: F401
