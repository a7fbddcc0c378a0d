from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "gongjian.lib"
    label = "lib"
    verbose_name = "Gongjian library"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)
