from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xiaoan.core.forms import BootstrapMixin, VersionedFormMixin
from xiaoan.core.widgets import offer_schools

from . import throttle
from .access import membership_of
from .choices import Role
from .models import Membership


class ThrottledAuthenticationForm(AuthenticationForm):
    """The login form, through the one throttle the API's token endpoint uses too."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password") or ""
        if username and password:
            try:
                self.user_cache = throttle.authenticate_throttled(self.request, username, password)
            except throttle.LockedOut as locked:
                raise forms.ValidationError(locked.message, code="locked") from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class AccountForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    """A login and its membership. Bound without an instance it opens an account
    (`Membership.objects.open_account`), with one it edits it (`Membership.change`); those
    check who may give which role where, the form only offers what the user may choose."""

    username = forms.CharField(label=_("Login"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150)

    class Meta:
        model = Membership
        fields = ["role", "school", "department", "section", "title", "phone"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor = membership_of(user)
        bureau_id = actor.bureau_id if actor is not None else None
        fields: Any = self.fields
        if self.instance.pk:
            self.initial.setdefault("username", self.instance.user.username)
            self.initial.setdefault("full_name", self.instance.user.first_name)
        for name in ("school", "department", "section"):
            queryset = fields[name].queryset.filter(bureau=bureau_id)
            if name != "school":
                kept = getattr(self.instance, f"{name}_id", None)
                queryset = queryset.filter(Q(is_active=True) | Q(pk=kept))
            fields[name].required = False
            if name == "school":
                offer_schools(fields[name], queryset)
            else:
                fields[name].queryset = queryset
        self.fields["department"].help_text = _("For a department inspector.")
        self.fields["section"].help_text = _("For the bureau's own accounts.")
        # A district's bureau opens the district's accounts; the levels above are set up apart.
        fields["role"].choices = [c for c in fields["role"].choices if c[0] not in Role.regional()]
        if actor is not None and actor.is_school_admin:
            # A school's administrator opens its own school's staff accounts only.
            fields["role"].choices = [(Role.SCHOOL_STAFF, Role.SCHOOL_STAFF.label)]
            fields["school"].queryset = fields["school"].queryset.filter(pk=actor.school_id)
            self.initial["school"] = actor.school_id
            self.fields["school"].disabled = True
            del self.fields["department"], self.fields["section"]
        self.order_fields(["username", "full_name", *self.Meta.fields])

    def values(self) -> dict[str, Any]:
        """What the model methods take: the login's and the membership's fields."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.setdefault("department", None)
        data.setdefault("section", None)
        return data
