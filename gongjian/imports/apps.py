from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "gongjian.imports"
    label = "imports"
