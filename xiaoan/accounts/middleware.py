"""A temporary password (a new account, a reset) is changed before anything else is done."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext

from .access import membership_of


def must_change_password(user: object) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.must_change_password


def change_first_message() -> str:
    return gettext("Your password is temporary: choose your own password first.")


class PasswordChangeRequiredMiddleware:
    """Every page sends a user with a temporary password to the password form (the API
    refuses with 403); logging out, the language switch and static files still work."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not must_change_password(request.user) or self._exempt(request.path):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            body = {"detail": change_first_message(), "code": "not_allowed"}
            return JsonResponse(body, status=403)
        messages.warning(request, change_first_message())
        return redirect("accounts:password_change")

    @staticmethod
    def _exempt(path: str) -> bool:
        allowed = [
            reverse("accounts:password_change"),
            reverse("accounts:logout"),
            reverse("set_language"),
            settings.STATIC_URL or "/static/",
        ]
        return any(path.startswith(p) for p in allowed)
