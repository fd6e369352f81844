from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from xiaoan.core.forms import BootstrapMixin

from .forms import ThrottledAuthenticationForm
from .tokens import expires_at, revoke


class StyledPasswordChangeForm(BootstrapMixin, PasswordChangeForm):
    pass


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = StyledPasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's API token: when it was issued, when it ends; revoke it here."""
    token = Token.objects.filter(user_id=int(request.user.pk or 0)).first()
    return render(
        request,
        "accounts/tokens.html",
        {
            "token": token,
            "expires_at": expires_at(token) if token else None,
            "days": settings.API_TOKEN_DAYS,
        },
    )


@require_POST
@login_required
def token_revoke(request: HttpRequest) -> HttpResponse:
    if revoke(request.user):
        messages.success(
            request, _("The API token was revoked; programs using it must log in again.")
        )
    return redirect("accounts:tokens")
