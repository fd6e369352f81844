"""`notify(user, kind, params, link=…, key=…)`: the one way any app tells a user something.

The notification is stored (the in-app message, always), and with it, in the same transaction,
its deliveries: an email unless the user chose the daily digest or nothing for this kind, a
text message for urgent kinds to a user with a phone number, and a post to the group robots
of the user's organisation (once per event, however many of its people are told). Each
delivery becomes a task once the transaction commits (never before, never after a rollback),
so the action that notified neither waits for a mail server nor fails with one.

Workflow steps call it through `recipients.announce`, inside their transaction: the row is
part of the step and vanishes with it if the step is rolled back. `code` names the object
(a hazard's reference code…) without the once-a-day guard of `key`.

With a `key` (the object it is about), the same kind about the same object reaches a user at
most once a day: a `ReminderLog` row is created with the notification and its unique constraint
lets one sender win, so reminders may run from cron every few minutes.
"""

from __future__ import annotations

import datetime
import json
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from xiaoan.accounts.access import membership_of
from xiaoan.core.dates import local_today

from .choices import Channel, DeliveryStatus, Timing, is_urgent
from .models import Delivery, Notification, ReminderLog, Webhook, timing_for
from .tasks import enqueue


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
    """Store the notification and its deliveries (None if this one already went out today)."""
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
            planned = plan_deliveries(notification)
    except IntegrityError:
        return None
    queued = [d.pk for d in planned if d.status == DeliveryStatus.QUEUED]
    if queued:
        transaction.on_commit(partial(enqueue, queued), robust=True)
    return notification


def plan_deliveries(notification: Notification) -> list[Delivery]:
    user, kind = notification.recipient, notification.kind
    membership = membership_of(user)
    bureau_id = membership.bureau_id if membership is not None else None
    rows = []
    timing = timing_for(user, kind)
    if user.email and timing != Timing.OFF:
        held = DeliveryStatus.HELD if timing == Timing.DIGEST else DeliveryStatus.QUEUED
        rows.append(Delivery(channel=Channel.EMAIL, address=user.email, status=held))
    if is_urgent(kind) and membership is not None and membership.phone:
        rows.append(Delivery(channel=Channel.SMS, address=membership.phone))
    for robot in _robots_of(membership):
        if not _first_of_event(robot, notification):
            continue
        later = None if is_urgent(kind) else robot.quiet_end(timezone.now())
        rows.append(Delivery(channel=Channel.WEBHOOK, webhook=robot, next_attempt_at=later))
    for row in rows:
        row.notification, row.bureau_id = notification, bureau_id
        if row.channel != Channel.WEBHOOK:
            row.recipient = user
    return Delivery.objects.bulk_create(rows)


def _robots_of(membership: Any) -> list[Webhook]:
    """The active group robots of the user's organisation: its school, its department, or
    (neither) the bureau's own."""
    if membership is None:
        return []
    robots = Webhook.objects.filter(bureau_id=membership.bureau_id, is_active=True)
    if membership.school_id is not None:
        robots = robots.filter(school_id=membership.school_id)
    elif membership.department_id is not None:
        robots = robots.filter(department_id=membership.department_id)
    else:
        robots = robots.filter(school__isnull=True, department__isnull=True)
    return list(robots)


def _first_of_event(robot: Webhook, notification: Notification) -> bool:
    """Whether this is the first notification of its event for the robot in this transaction:
    the people of one organisation told of one event make one group message."""
    planned = _planned_in_this_transaction()
    event = json.dumps(
        [robot.pk, notification.kind, notification.params, notification.link], sort_keys=True
    )
    earlier = planned.get(event)
    if earlier is not None and Notification.objects.filter(pk=earlier).exists():
        return False
    planned[event] = notification.pk
    return True


def _planned_in_this_transaction() -> dict[str, int]:
    """Events planned for robots in the current transaction. The table lives on the
    connection beside a do-nothing on-commit marker: once the marker is gone (committed or
    rolled back), the next transaction starts a new table."""
    connection = transaction.get_connection()
    batch = getattr(connection, "_xiaoan_robot_events", None)
    if batch is None or not any(entry[1] is batch[0] for entry in connection.run_on_commit):

        def marker() -> None:
            return None

        batch = (marker, {})
        transaction.on_commit(marker)
        connection._xiaoan_robot_events = batch  # type: ignore[attr-defined]
    return batch[1]
