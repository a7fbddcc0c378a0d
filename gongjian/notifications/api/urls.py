from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import NotificationViewSet, PreferenceView

router = DefaultRouter(trailing_slash=True)
router.register("notifications", NotificationViewSet, basename="notification")

# Before the router's, whose notifications/{uuid}/ would take "preference" for a key.
urlpatterns = [path("notifications/preference/", PreferenceView.as_view(), name="notification-preference"), *router.urls]
