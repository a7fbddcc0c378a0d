"""API URLs of the newsroom: /api/v1/news/articles/."""

from rest_framework.routers import DefaultRouter

from .articles import ArticleViewSet

router = DefaultRouter(trailing_slash=True)
router.register("news/articles", ArticleViewSet, basename="article")

urlpatterns = router.urls
