from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.RecordListView.as_view(), name="record_list"),
    path("<int:pk>/", views.record_detail, name="record_detail"),
]
