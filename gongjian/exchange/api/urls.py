from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.register("exchange/categories", views.CategoryViewSet, basename="exchange-category")
router.register("exchange/synonyms", views.SynonymGroupViewSet, basename="exchange-synonym")
router.register("exchange/feedback", views.SuggestionFeedbackViewSet, basename="exchange-feedback")
router.register("exchange/needs", views.NeedViewSet, basename="exchange-need")
router.register("exchange/resources", views.ResourceViewSet, basename="exchange-resource")
router.register("exchange/claims", views.ClaimViewSet, basename="exchange-claim")
router.register("exchange/releases", views.ListReleaseViewSet, basename="exchange-release")

urlpatterns = router.urls
