from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def unread_count(user: Any) -> int:
    from xiaoan.reports.models import Notification

    return Notification.objects.for_user(user).unread().count()
