"""Personal API tokens under the second-factor rule (SECURITY.md item 4).

A token is checked without a session, so no code can be asked for on each
request. Instead an account whose role requires TOTP may use a token only
while it has a confirmed authenticator, and may create one only from a session
verified with it. A token never outlives the role, the activation or the
password it was issued under: those changes delete it (see signals.py and the
password-reset views).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from gongjian.audit.models import Action
from gongjian.audit.recording import record

from . import two_factor

TOTP_REQUIRED = _("This account must set up two-factor authentication (TOTP) before it can use an API token.")


def may_use(user) -> bool:
    return not user.requires_two_factor or two_factor.has_authenticator(user)


def may_create(request) -> bool:
    """A session that passed the second factor, where the role requires one."""
    user = request.user
    return not user.requires_two_factor or (user.is_verified() and two_factor.has_authenticator(user))


def revoke(user, reason: str, *, actor=None, actor_name="", request=None) -> int:
    """Delete the account's tokens; a record names the reason whenever one existed."""
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        record(Action.API_TOKEN, user, changes={"event": "revoked", "reason": reason}, actor=actor, actor_name=actor_name, request=request)
    return deleted


class TwoFactorTokenAuthentication(TokenAuthentication):
    """DRF's token check, plus the second factor the account's role requires.

    drf-spectacular's token scheme matches subclasses, so the schema still
    describes this as ``tokenAuth``.
    """

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if not may_use(user):
            raise exceptions.AuthenticationFailed(TOTP_REQUIRED)
        return user, token
