from rest_framework.routers import DefaultRouter

from .views import UserViewSet

router = DefaultRouter(trailing_slash=True)
router.register("accounts/users", UserViewSet, basename="accounts-user")

urlpatterns = router.urls
