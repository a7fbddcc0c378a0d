from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "gongjian.notifications"
    label = "notifications"
