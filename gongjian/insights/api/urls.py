from django.urls import path

from . import views

urlpatterns = [
    path("insights/figures/", views.FigureDefinitionsView.as_view(), name="insights-figures"),
    path("insights/dashboard/", views.DashboardView.as_view(), name="insights-dashboard"),
]
