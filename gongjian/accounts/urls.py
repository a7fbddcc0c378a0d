from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("password/change/", auth_views.PasswordChangeView.as_view(success_url="/"), name="password_change"),
    path("two-factor/setup/", views.profile, name="two_factor_setup"),
    path("two-factor/verify/", views.profile, name="two_factor_verify"),
]
