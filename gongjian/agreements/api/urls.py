from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.register("agreements/agreements", views.AgreementViewSet, basename="agreement")
router.register("agreements/pairings", views.PairingViewSet, basename="pairing")
router.register("agreements/alliances", views.AllianceViewSet, basename="alliance")
router.register("agreements/bases", views.PracticeBaseViewSet, basename="practicebase")
router.register("agreements/honours", views.HonorViewSet, basename="honor")

urlpatterns = router.urls
