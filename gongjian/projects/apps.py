from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "gongjian.projects"
    label = "projects"

    def ready(self):
        from . import signals  # noqa: F401
