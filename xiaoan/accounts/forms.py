from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from . import throttle


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
