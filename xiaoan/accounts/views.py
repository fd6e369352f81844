from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from xiaoan.core.addresses import client_address
from xiaoan.core.errors import Invalid, NotAllowed, Stale
from xiaoan.core.excel import workbook_response
from xiaoan.core.forms import BootstrapMixin

from . import throttle, twofactor
from .access import has_role, member, membership_of
from .choices import Role
from .exports import passwords_workbook, pending, take_sheet
from .filters import AccountFilter, dormant_since
from .forms import AccountForm, ThrottledAuthenticationForm
from .models import Membership, TwoFactor
from .querysets import ACCOUNT_READERS
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

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        membership = membership_of(self.request.user)
        if membership is not None:
            membership.password_changed()  # a temporary password is no longer asked to change
        return response


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


# ---- the accounts of the district (the bureau) or of a school (its administrator) -----------


def _accounts(request: HttpRequest) -> QuerySet[Membership]:
    return Membership.objects.for_user(request.user).select_related(
        "user", "school", "department", "section"
    )


def _account(request: HttpRequest, pk: int) -> Membership:
    """Another school's or district's account is not there (404)."""
    return get_object_or_404(_accounts(request), pk=pk)


def _refuse_non_readers(request: HttpRequest) -> None:
    if not has_role(request.user, *ACCOUNT_READERS):
        raise NotAllowed(
            _("Accounts are managed by the bureau and by each school's administrator.")
        )


def _may_open_accounts(user: Any) -> bool:
    return has_role(user, Role.BUREAU_ADMIN, Role.SCHOOL_ADMIN)


class AccountListView(LoginRequiredMixin, generic.ListView):
    """Everyone the user may manage or read: search, role, active, dormant; the last login."""

    template_name = "accounts/account_list.html"
    paginate_by = 50

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _refuse_non_readers(request)
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Membership]:
        accounts = _accounts(self.request).order_by("school__code", "role", "user__username")
        self.filterset = AccountFilter(self.request.GET, queryset=accounts)
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter=self.filterset,
            query=query.urlencode(),
            can_open=_may_open_accounts(self.request.user),
            dormant_since=dormant_since(),
            pending_sheet=len(pending(self.request)),
        )
        return context


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    context = {
        "account": account,
        "allowed": account.allowed_actions(request.user),
        "dormant_since": dormant_since(),
    }
    return render(request, "accounts/account_detail.html", context)


def _password_page(request: HttpRequest, account: Membership, password: str) -> HttpResponse:
    """The temporary password, shown this once (the page is never cached)."""
    return render(
        request, "accounts/account_password.html", {"account": account, "password": password}
    )


@login_required
def account_create(request: HttpRequest) -> HttpResponse:
    if not _may_open_accounts(request.user):
        raise NotAllowed(_("Accounts are opened by the bureau and by each school's administrator."))
    form = AccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            account, password = Membership.objects.open_account(
                request.user, bureau=member(request.user).bureau, **form.values()
            )
        except Invalid as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Account “%(name)s” opened.") % {"name": account.user})
            return _password_page(request, account, password)
    return render(request, "accounts/account_form.html", {"form": form})


@login_required
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    account.refuse_if_not_allowed(request.user, "edit")
    form = AccountForm(request.POST or None, instance=account, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            account.change(request.user, **form.values())
        except (Invalid, Stale) as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Account “%(name)s” saved.") % {"name": account.user})
            return redirect(account)
    return render(request, "accounts/account_form.html", {"form": form, "account": account})


def _account_step(request: HttpRequest, pk: int, step: str) -> tuple[Membership, Any]:
    account = _account(request, pk)
    account.refuse_if_not_allowed(request.user, step)
    posted = request.POST.get("version", "")
    if posted.isdigit():
        account.version = int(posted)  # the page the button was pressed on
    return account, getattr(account, step)(request.user)


@require_POST
@login_required
def account_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    account, _done = _account_step(request, pk, "deactivate")
    messages.success(
        request,
        _("Account “%(name)s” deactivated; its sessions and API token ended.")
        % {"name": account.user},
    )
    return redirect(account)


@require_POST
@login_required
def account_activate(request: HttpRequest, pk: int) -> HttpResponse:
    account, _done = _account_step(request, pk, "activate")
    messages.success(request, _("Account “%(name)s” activated.") % {"name": account.user})
    return redirect(account)


@require_POST
@login_required
def account_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    account, password = _account_step(request, pk, "reset_password")
    return _password_page(request, account, password)


@login_required
def initial_passwords(request: HttpRequest) -> HttpResponse:
    """The initial passwords of the accounts opened with schools: listed, then downloaded once."""
    if not _may_open_accounts(request.user):
        raise NotAllowed(_("Accounts are opened by the bureau and by each school's administrator."))
    if request.method == "POST":
        accounts = take_sheet(request)
        if accounts:
            return workbook_response(passwords_workbook(accounts), _("Initial passwords") + ".xlsx")
        messages.info(request, _("The sheet was already downloaded."))
        return redirect("accounts:initial_passwords")
    return render(request, "accounts/initial_passwords.html", {"accounts": pending(request)})
