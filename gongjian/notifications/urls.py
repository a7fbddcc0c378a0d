from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("badge/", views.badge, name="badge"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("preference/", views.preference, name="preference"),
    path("<uuid:uuid>/read/", views.mark_read, name="read"),
]
