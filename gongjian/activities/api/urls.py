from rest_framework.routers import DefaultRouter

from .views import ActivityViewSet, RegistrationViewSet, SeriesViewSet

router = DefaultRouter(trailing_slash=True)
router.register("activities", ActivityViewSet, basename="activity")
router.register("activity-series", SeriesViewSet, basename="activity-series")
router.register("registrations", RegistrationViewSet, basename="registration")

urlpatterns = router.urls
