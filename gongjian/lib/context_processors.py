from django.conf import settings

from .navigation import menu_for


def platform(request):
    user = getattr(request, "user", None)
    return {
        "SITE_URL": settings.SITE_URL,
        "csp_nonce": getattr(request, "csp_nonce", ""),
        "main_menu": menu_for(user) if user is not None and user.is_authenticated else [],
    }
