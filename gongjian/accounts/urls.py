from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("profile/api-token/", views.api_token, name="api_token"),
    # Pages under password/ and two-factor/ stay open while the account owes a step (see middleware).
    path("password/change/", views.password_change, name="password_change"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/new/", views.UserCreateView.as_view(), name="user_create"),
    path("users/<uuid:uuid>/", views.user_detail, name="user_detail"),
    path("users/<uuid:uuid>/edit/", views.UserEditView.as_view(), name="user_edit"),
    path("users/<uuid:uuid>/active/", views.user_set_active, name="user_set_active"),
    path("users/<uuid:uuid>/password/", views.user_reset_password, name="user_reset_password"),
    path("users/<uuid:uuid>/two-factor/reset/", views.user_reset_two_factor, name="user_reset_two_factor"),
    path("users/<uuid:uuid>/roles/", views.user_roles, name="user_roles"),
]
