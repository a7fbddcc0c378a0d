"""Account views: signing in and out, the user's own account, and user administration."""

from .account import api_token, password_change, profile, recovery_codes, two_factor_setup, two_factor_verify
from .session import LoginView, LogoutView, lockout
from .users import (
    UserCreateView,
    UserEditView,
    UserListView,
    user_detail,
    user_reset_password,
    user_reset_two_factor,
    user_roles,
    user_set_active,
)

__all__ = [
    "LoginView",
    "LogoutView",
    "UserCreateView",
    "UserEditView",
    "UserListView",
    "api_token",
    "lockout",
    "password_change",
    "profile",
    "recovery_codes",
    "two_factor_setup",
    "two_factor_verify",
    "user_detail",
    "user_reset_password",
    "user_reset_two_factor",
    "user_roles",
    "user_set_active",
]
