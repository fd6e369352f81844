from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from xiaoan.core.addresses import client_address
from xiaoan.core.errors import NotAllowed
from xiaoan.core.forms import BootstrapMixin

from . import throttle, twofactor
from .forms import ThrottledAuthenticationForm
from .models import TwoFactor
from .tokens import expires_at, revoke


class StyledPasswordChangeForm(BootstrapMixin, PasswordChangeForm):
    pass


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if twofactor.factor_of(user) is None:
            return super().form_valid(form)
        # The password was right; the session is opened only after the code.
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
        }
        return redirect("accounts:login_code")


PENDING = "xiaoan_pending_second_factor"


class CodeForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label=gettext_lazy("Code from the authenticator app"), max_length=10)


def login_code(request: HttpRequest) -> HttpResponse:
    """The second step of a login with a second factor: the app's current code."""
    pending = request.session.get(PENDING)
    user = get_user_model().objects.filter(pk=int((pending or {}).get("user") or 0)).first()
    factor = twofactor.factor_of(user)
    if pending is None or user is None or factor is None:
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = client_address(request)
        try:
            throttle.attempt(user.get_username(), address)
        except throttle.LockedOut as locked:
            form.add_error("code", locked.message)
        else:
            if factor.verify(form.cleaned_data["code"]):
                throttle.succeeded(user.get_username(), address)
                del request.session[PENDING]
                login(request, user, backend=pending["backend"])
                return redirect(pending["next"])
            form.add_error("code", _("The code is not right, or was already used."))
    return render(request, "accounts/login_code.html", {"form": form})


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Turn the second factor on (confirm a new secret with a code) or off (with a code)."""
    if not twofactor.may_enable(request.user):
        raise NotAllowed(_("The second factor is offered to the bureau's accounts."))
    factor = twofactor.factor_of(request.user)
    secret = request.session.get(SETUP) or twofactor.new_secret()
    request.session[SETUP] = secret
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if factor is not None and factor.verify(code):
            factor.delete()
            messages.success(request, _("The second factor is off."))
            return redirect("accounts:two_factor")
        if factor is None and twofactor.code_is_valid(secret, code):
            TwoFactor.objects.create(user_id=int(request.user.pk or 0), secret=secret)
            del request.session[SETUP]
            messages.success(request, _("The second factor is on: logins will ask for a code."))
            return redirect("accounts:two_factor")
        form.add_error("code", _("The code is not right, or was already used."))
    context = {
        "form": form,
        "factor": factor,
        "secret": secret,
        "uri": twofactor.provisioning_uri(secret, request.user.get_username()),
    }
    return render(request, "accounts/two_factor.html", context)


SETUP = "xiaoan_second_factor_setup"


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
