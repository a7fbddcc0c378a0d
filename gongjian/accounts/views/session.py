from axes.helpers import get_cool_off
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils.translation import ngettext

from ..forms import LoginForm


class LoginView(auth_views.LoginView):
    """Django's login view with our form: one message for every wrong credential.

    The form passes the request to authenticate(), which django-axes needs to
    count failures per login name and per source address.
    """

    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only; logout() flushes the session row, so a replayed cookie finds nothing."""


def lockout(request, original_response=None, credentials=None, *args, **kwargs):
    """django-axes calls this once the login name or the address is locked (AXES_LOCKOUT_CALLABLE).

    The words are the same whether the name exists or not.
    """
    cool_off = get_cool_off(request)
    minutes = max(1, int(cool_off.total_seconds() // 60)) if cool_off else 15
    error = ngettext(
        "Too many failed attempts. Try again in %(minutes)d minute.",
        "Too many failed attempts. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    return render(request, "accounts/login.html", {"form": LoginForm(request), "error": error, "locked_out": True}, status=429)
