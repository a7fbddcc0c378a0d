from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "gongjian.projects"
    label = "projects"
