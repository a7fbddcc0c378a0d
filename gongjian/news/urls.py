from django.urls import include, path

app_name = "news"

urlpatterns = [
    path("safety/", include("gongjian.news.safety_urls")),
    path("", include("gongjian.news.article_urls")),
]
