from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout(request, credentials=None, *args, **kwargs):
    # The same words for a wrong name and a wrong password, so lockout reveals nothing.
    return render(
        request,
        "accounts/login.html",
        {"form": None, "locked_out": True, "error": _("Too many failed attempts. Try again in 15 minutes.")},
        status=429,
    )


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
def profile(request):
    return render(request, "accounts/profile.html", {"title": _("My account")})
