"""`notify(user, kind, params, link=…, key=…)`: the one way any app tells a user something.

Workflow steps call it through `recipients.announce`, inside their transaction: the row is
part of the step and vanishes with it if the step is rolled back. `code` names the object
(a hazard's reference code…) without the once-a-day guard of `key`.

With a `key` (the object it is about), the same kind about the same object reaches a user at
most once a day: a `ReminderLog` row is created with the notification and its unique constraint
lets one sender win, so reminders may run from cron every few minutes. The email goes out once
the transaction commits, in the site's language (users keep no language of their own).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import translation

from xiaoan.core.dates import local_today

from .models import Notification, ReminderLog, render_message


def notify(
    user: Any,
    kind: str,
    params: dict[str, Any],
    *,
    link: str = "",
    key: str = "",
    day: datetime.date | None = None,
    code: str = "",
) -> Notification | None:
    """Store the notification (None if this one already went out today) and email it."""
    try:
        with transaction.atomic():
            if key:
                ReminderLog.objects.create(
                    kind=kind, object_key=key[:100], recipient=user, day=day or local_today()
                )
            notification = Notification.objects.create(
                recipient=user,
                kind=kind,
                params=params,
                link=link[:300],
                object_key=(key or code)[:100],
            )
    except IntegrityError:
        return None
    if user.email:
        transaction.on_commit(lambda: _email(user.email, kind, params, link))
    return notification


def _email(address: str, kind: str, params: dict[str, Any], link: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        text = render_message(kind, params)
    send_mail(
        text[:78], f"{text}\n{link}", settings.DEFAULT_FROM_EMAIL, [address], fail_silently=True
    )
