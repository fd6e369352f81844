from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("login/code/", views.login_code, name="login_code"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views.AccountListView.as_view(), name="users"),
    path("users/new/", views.account_create, name="user_create"),
    path("users/initial-passwords/", views.initial_passwords, name="initial_passwords"),
    path("users/<int:pk>/", views.account_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.account_edit, name="user_edit"),
    path("users/<int:pk>/deactivate/", views.account_deactivate, name="user_deactivate"),
    path("users/<int:pk>/activate/", views.account_activate, name="user_activate"),
    path(
        "users/<int:pk>/reset-password/", views.account_reset_password, name="user_reset_password"
    ),
]
