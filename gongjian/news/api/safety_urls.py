"""API URLs of the content-safety scan: /api/v1/news/safety/…"""

from django.urls import path
from rest_framework.routers import DefaultRouter

from .safety import AllowedDomainViewSet, AllowedPhraseViewSet, SafetyTermViewSet, ScanView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("news/safety/terms", SafetyTermViewSet, basename="news-safety-term")
router.register("news/safety/phrases", AllowedPhraseViewSet, basename="news-safety-phrase")
router.register("news/safety/domains", AllowedDomainViewSet, basename="news-safety-domain")

urlpatterns = [path("news/safety/scan/", ScanView.as_view(), name="news-safety-scan"), *router.urls]
