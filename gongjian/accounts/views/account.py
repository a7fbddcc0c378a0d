"""The signed-in user's own account: profile, password, second factor, API token."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from rest_framework.authtoken.models import Token

from gongjian.audit.models import Action, Outcome, Record
from gongjian.audit.recording import record
from gongjian.lib.middleware import mark_no_store

from .. import tokens, two_factor
from ..forms import PasswordChangeForm, ProfileForm, TokenForm


def next_url(request, default="home") -> str:
    """The ``next`` parameter if it points back into this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(default)


def redirect_with_next(request, url_name):
    return redirect(reverse(url_name) + "?" + urlencode({"next": next_url(request)}))


def owes_second_factor(request) -> bool:
    """Enrolled but not verified in this session: only the verify page is open.

    The password and enrolment pages skip the account policy middleware, so
    they check this themselves.
    """
    user = request.user
    return user.requires_two_factor and not user.is_verified() and user_has_device(user)


def _profile_context(request, form=None, **extra):
    user = request.user
    memberships = []
    if user.person_id:
        memberships = list(user.person.memberships.current().select_related("organization").order_by("organization__path"))
    return {
        "title": _("My account"),
        "form": form or ProfileForm(instance=user, user=user),
        "memberships": memberships,
        "has_authenticator": two_factor.has_authenticator(user),
        "recovery_codes_left": two_factor.recovery_codes_left(user),
        "token": Token.objects.filter(user=user).first(),
        "recent_logins": Record.objects.filter(action=Action.LOGIN, object_type="accounts.user", object_id=str(user.pk))[:5],
        "password_expiry_days": settings.PASSWORD_EXPIRY_DAYS,
        **extra,
    }


@login_required
def profile(request):
    mark_no_store(request)
    form = ProfileForm(request.POST or None, instance=request.user, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your account details were saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", _profile_context(request, form))


@login_required
def password_change(request):
    """Used for the forced first change, for expiry, and whenever the user wants."""
    user = request.user
    if owes_second_factor(request):
        return redirect_with_next(request, "accounts:two_factor_verify")
    reason = "initial" if user.must_change_password else "expired" if user.password_expired else "voluntary"
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            # Keep this session; every other session of the account ends with the old hash.
            update_session_auth_hash(request, user)
            record(Action.PASSWORD_CHANGE, user, changes={"reason": reason}, request=request)
            messages.success(request, _("Your password was changed."))
            return redirect(next_url(request))
        record(Action.PASSWORD_CHANGE, user, changes={"reason": reason, "errors": sorted(form.errors)}, outcome=Outcome.FAILURE, request=request)
    context = {"title": _("Change password"), "form": form, "reason": reason, "next": next_url(request), "expiry_days": settings.PASSWORD_EXPIRY_DAYS}
    return render(request, "accounts/password_change.html", context)


@login_required
def two_factor_setup(request):
    """Enrol an authenticator app: scan the QR code (or type the key), confirm with a code."""
    user = request.user
    if not user.requires_two_factor:
        messages.info(request, _("Your role does not need a second factor."))
        return redirect("accounts:profile")
    if owes_second_factor(request):
        # Replacing an enrolled authenticator takes the old one first.
        return redirect_with_next(request, "accounts:two_factor_verify")
    mark_no_store(request)
    device = two_factor.pending_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm(request, device, form.cleaned_data["token"])
        if codes is not None:
            messages.success(request, _("Two-factor authentication is on."))
            return render(request, "accounts/recovery_codes.html", {"title": _("Recovery codes"), "codes": codes, "next": next_url(request)})
        form.add_error("token", _("That code is not right. Check that the time on your phone is correct and try again."))
    context = {
        "title": _("Set up two-factor authentication"),
        "form": form,
        "qr": two_factor.qr_data_uri(device),
        "key": two_factor.manual_key(device),
        "replacing": two_factor.has_authenticator(user),
        "next": next_url(request),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
def two_factor_verify(request):
    """The second step of signing in: a code from the app or a recovery code."""
    user = request.user
    if user.is_verified():
        return redirect(next_url(request))
    if not user_has_device(user):
        return redirect_with_next(request, "accounts:two_factor_setup")
    form = TokenForm(request.POST or None, allow_recovery=True)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify(request, form.cleaned_data["token"])
        if device is not None:
            if isinstance(device, StaticDevice):
                left = two_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code; %(n)d is left. Make new ones in My account.",
                        "You used a recovery code; %(n)d are left. Make new ones in My account.",
                        left,
                    )
                    % {"n": left},
                )
            return redirect(next_url(request))
        form.add_error("token", _("That code is not right, or it was already used. Wait a moment and try again."))
    return render(request, "accounts/two_factor_verify.html", {"title": _("Two-factor authentication"), "form": form, "next": next_url(request)})


@login_required
@require_POST
def recovery_codes(request):
    """Replace the recovery codes; the new ones are shown once, in this response only."""
    user = request.user
    if not (user.requires_two_factor and user.is_verified() and two_factor.has_authenticator(user)):
        return redirect("accounts:profile")
    mark_no_store(request)
    codes = two_factor.new_recovery_codes(user)
    record(Action.TWO_FACTOR, user, changes={"event": "recovery_codes"}, request=request)
    return render(request, "accounts/recovery_codes.html", {"title": _("Recovery codes"), "codes": codes, "next": reverse("accounts:profile")})


@login_required
@require_POST
def api_token(request):
    """Create (replacing any old one) or revoke the personal API token. A new key is shown once."""
    user = request.user
    create = request.POST.get("action") == "create"
    # The account policy middleware sends such a session to the second factor before it gets
    # here; the view checks again because the token it hands out outlives this session.
    # Revoking stays open: it only takes access away.
    if create and not tokens.may_create(request):
        if owes_second_factor(request):
            return redirect_with_next(request, "accounts:two_factor_verify")
        messages.error(request, tokens.TOTP_REQUIRED)
        return redirect_with_next(request, "accounts:two_factor_setup")
    Token.objects.filter(user=user).delete()
    if create:
        token = Token.objects.create(user=user)
        record(Action.API_TOKEN, user, changes={"event": "created"}, request=request)
        mark_no_store(request)
        return render(request, "accounts/profile.html", _profile_context(request, new_token=token.key))
    record(Action.API_TOKEN, user, changes={"event": "revoked"}, request=request)
    messages.success(request, _("Your API token was revoked."))
    return redirect("accounts:profile")
