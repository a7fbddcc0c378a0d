from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from gongjian.insights.views import workbench
from gongjian.lib.health import health

API_APPS = ("orgs", "activities", "agreements", "exchange", "projects", "imports", "notifications", "audit", "accounts", "insights", "news", "search")

api_patterns = [path("", include(f"gongjian.{app}.api.urls")) for app in API_APPS]

urlpatterns = [
    path("", workbench, name="home"),
    path("health/", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("gongjian.accounts.urls")),
    path("audit/", include("gongjian.audit.urls")),
    path("orgs/", include("gongjian.orgs.urls")),
    path("activities/", include("gongjian.activities.urls")),
    path("agreements/", include("gongjian.agreements.urls")),
    path("exchange/", include("gongjian.exchange.urls")),
    path("projects/", include("gongjian.projects.urls")),
    path("imports/", include("gongjian.imports.urls")),
    path("notifications/", include("gongjian.notifications.urls")),
    path("insights/", include("gongjian.insights.urls")),
    path("news/", include("gongjian.news.urls")),
    path("search/", include("gongjian.search.urls")),
    path("api/v1/", include((api_patterns, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file of its own: the CSP refuses inline scripts without a nonce.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "gongjian.lib.errors.bad_request"
handler403 = "gongjian.lib.errors.permission_denied"
handler404 = "gongjian.lib.errors.page_not_found"
handler500 = "gongjian.lib.errors.server_error"
