from rest_framework.routers import DefaultRouter

from .views import MembershipViewSet, OrganizationViewSet, PersonViewSet, RegionViewSet

router = DefaultRouter(trailing_slash=True)
router.register("orgs/regions", RegionViewSet, basename="orgs-region")
router.register("orgs/organizations", OrganizationViewSet, basename="orgs-organization")
router.register("orgs/people", PersonViewSet, basename="orgs-person")
router.register("orgs/memberships", MembershipViewSet, basename="orgs-membership")

urlpatterns = router.urls
