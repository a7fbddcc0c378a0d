from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "gongjian.activities"
    label = "activities"
