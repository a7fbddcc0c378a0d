from rest_framework.routers import DefaultRouter

from .views import RecordViewSet

router = DefaultRouter(trailing_slash=True)
router.register("audit/records", RecordViewSet, basename="audit-record")

urlpatterns = router.urls
