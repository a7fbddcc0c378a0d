from django.urls import include, path

urlpatterns = [
    path("", include("gongjian.news.api.safety_urls")),
    path("", include("gongjian.news.api.article_urls")),
]
