"""API tokens that end: after `API_TOKEN_DAYS`, at a password change, at deactivation.

DRF's token (one per user) is kept; `ExpiringTokenAuthentication` refuses an old one and one
whose user or membership is no longer active. Changing the password or deactivating the
membership deletes the token at once (`revoke_on_change`, connected in `AccountsConfig.ready`).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from .access import forget_membership, membership_of


def expires_at(token: Token) -> datetime.datetime:
    return token.created + datetime.timedelta(days=settings.API_TOKEN_DAYS)


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if expires_at(token) <= timezone.now():
            token.delete()
            raise exceptions.AuthenticationFailed(_("The token has expired; ask for a new one."))
        membership = membership_of(user)
        if not user.is_superuser and membership is None:
            raise exceptions.AuthenticationFailed(_("This account is not active."))
        if membership is not None and membership.must_change_password:
            raise exceptions.AuthenticationFailed(
                _("The password is temporary: change it on the login page first.")
            )
        return user, token


def revoke(user: Any) -> int:
    deleted, _rows = Token.objects.filter(user=user).delete()
    return deleted


def _password_changing(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk is None or kwargs.get("raw"):
        return
    old = sender._base_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._xiaoan_password_changed = old is not None and old != instance.password


def _password_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    if getattr(instance, "_xiaoan_password_changed", False) or not instance.is_active:
        revoke(instance)


def _membership_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    forget_membership(instance.user)
    if not instance.is_active:
        revoke(instance.user)


def connect() -> None:
    from .models import Membership

    user_model = get_user_model()
    pre_save.connect(_password_changing, sender=user_model, dispatch_uid="xiaoan-token-pw")
    post_save.connect(_password_changed, sender=user_model, dispatch_uid="xiaoan-token-rev")
    post_save.connect(_membership_saved, sender=Membership, dispatch_uid="xiaoan-token-member")
