from rest_framework.routers import DefaultRouter

from .views import ImportJobViewSet

router = DefaultRouter(trailing_slash=True)
router.register("imports/jobs", ImportJobViewSet, basename="import-job")

urlpatterns = router.urls
