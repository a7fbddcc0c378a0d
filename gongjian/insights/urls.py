from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.xlsx", views.dashboard_export, name="export"),
    path("records/<slug:key>/", views.figure_records, name="records"),
    path("documents/", views.document_list, name="document_list"),
    path("documents/new/", views.document_create, name="document_create"),
    path("documents/<uuid:uuid>/", views.document_detail, name="document"),
    path("documents/<uuid:uuid>/download.<slug:fmt>", views.document_download, name="document_download"),
]
