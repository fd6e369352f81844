"""`{% unread_count user as n %}`: the number on the navigation bar's Notifications link."""

from __future__ import annotations

from typing import Any

from django import template

from xiaoan.notifications.models import Notification

register = template.Library()


@register.simple_tag
def unread_count(user: Any) -> int:
    return Notification.objects.for_user(user).unread().count()
