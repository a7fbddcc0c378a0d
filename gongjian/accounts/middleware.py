import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device

# Views a user may reach while the account still owes a password change or a second factor.
OPEN_PREFIXES = ("/static/", "/i18n/", "/accounts/login/", "/accounts/logout/", "/accounts/password/", "/accounts/two-factor/")


class SessionLifetimeMiddleware:
    """An absolute session lifetime on top of the idle timeout (SECURITY.md item 3)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.setdefault("started_at", time.time())
            if time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class AccountPolicyMiddleware:
    """Before anything else: pass TOTP if enrolled, change an initial or expired password, enrol TOTP if required."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        path = request.path
        if user.is_authenticated and not path.startswith(OPEN_PREFIXES):
            target = None
            unverified = user.requires_two_factor and not user.is_verified()
            enrolled = unverified and user_has_device(user)
            # An enrolled second factor comes first, so a stolen password alone
            # cannot even change the password; then the password; then enrolment.
            if enrolled:
                target = "accounts:two_factor_verify"
            elif user.must_change_password or user.password_expired:
                target = "accounts:password_change"
            elif unverified:
                target = "accounts:two_factor_setup"
            if target:
                if path.startswith("/api/"):
                    # A message like every API error's, and the step to take for a client to act on.
                    detail = str(_("Complete this account's set-up in the browser first."))
                    return JsonResponse({"detail": detail, "action": target.split(":")[1]}, status=403)
                if request.headers.get("HX-Request"):
                    return self.htmx_answer(request, target)
                return redirect(reverse(target) + "?" + urlencode({"next": request.get_full_path()}))
        return self.get_response(request)

    @staticmethod
    def htmx_answer(request, target):
        """A fragment request (a badge, a table) must not receive the whole password page.

        From a page the user may still see, nothing is swapped; from any other
        page the browser goes to the step the account owes.
        """
        response = HttpResponse(status=204)
        current = urlsplit(request.headers.get("HX-Current-URL", "")).path
        if not current.startswith(OPEN_PREFIXES):
            response["HX-Redirect"] = reverse(target) + "?" + urlencode({"next": current or "/"})
        return response
