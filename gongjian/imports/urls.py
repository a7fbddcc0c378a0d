from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.start, name="start"),
    path("templates/<slug:kind>/", views.template, name="template"),
    path("jobs/<uuid:uuid>/", views.job, name="job"),
    path("jobs/<uuid:uuid>/apply/", views.apply, name="apply"),
    path("jobs/<uuid:uuid>/retry/", views.retry, name="retry"),
]
