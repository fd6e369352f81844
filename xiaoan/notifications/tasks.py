"""The tasks the worker runs: one attempt at a delivery (retried later with backoff, listed as
failed after the last try), a periodic job's run, and the sweep that re-queues lost deliveries.

Tasks are Django's Tasks API (`django.tasks` from Django 6, the `django_tasks` backport
before), stored in the database by `django_tasks_db` and run by `xiaoan worker`.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

try:  # Django 6
    from django.tasks import task  # type: ignore[import-not-found,unused-ignore]
except ImportError:
    from django_tasks import task  # type: ignore[no-redef]

from . import channels
from .choices import Channel, DeliveryStatus, NotificationKind
from .models import Delivery, JobRun

logger = logging.getLogger(__name__)

# A queued delivery whose task has not run by then is taken as lost and queued again.
STALLED_AFTER = datetime.timedelta(minutes=15)


def enqueue(delivery_ids: Iterable[int]) -> None:
    """Queue a task per queued delivery (called once the transaction that planned them commits)."""
    for delivery in Delivery.objects.filter(
        pk__in=list(delivery_ids), status=DeliveryStatus.QUEUED
    ):
        later = delivery.next_attempt_at
        if later is not None and later > timezone.now():
            deliver.using(run_after=later).enqueue(delivery.pk)
        else:
            deliver.enqueue(delivery.pk)


@task()
def deliver(delivery_id: int) -> str:
    return attempt(delivery_id)


def attempt(delivery_id: int) -> str:
    """One try. The `attempts` guard lets one worker take each try of a delivery."""
    delivery = (
        Delivery.objects.select_related("notification", "webhook")
        .filter(pk=delivery_id, status=DeliveryStatus.QUEUED)
        .first()
    )
    if delivery is None:
        return "done"
    taken = Delivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.QUEUED, attempts=delivery.attempts
    ).update(attempts=F("attempts") + 1, updated_at=timezone.now())
    if not taken:
        return "taken"
    try:
        with translation.override(settings.LANGUAGE_CODE):
            send(delivery)
    except Exception as error:  # any failure of a channel is retried, then listed
        return _failed(delivery, error)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
        next_attempt_at=None,
        last_error="",
        updated_at=timezone.now(),
    )
    return "sent"


def _failed(delivery: Delivery, error: Exception) -> str:
    delays = settings.DELIVERY_RETRY_DELAYS
    tries = delivery.attempts + 1
    text = f"{type(error).__name__}: {error}"[:2000]
    now = timezone.now()
    if tries > len(delays):
        logger.warning("delivery %s failed after %s attempts: %s", delivery.pk, tries, text)
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, last_error=text, next_attempt_at=None, updated_at=now
        )
        return "failed"
    later = now + datetime.timedelta(seconds=delays[tries - 1])
    Delivery.objects.filter(pk=delivery.pk).update(
        last_error=text, next_attempt_at=later, updated_at=now
    )
    deliver.using(run_after=later).enqueue(delivery.pk)
    return "retry"


def send(delivery: Delivery) -> None:
    if delivery.is_digest:
        subject, body = digest_text(delivery)
        channels.send_email(delivery.address, subject, body)
        return
    notification = delivery.notification
    assert notification is not None
    text, link = notification.message, channels.absolute(notification.link)
    if delivery.channel == Channel.EMAIL:
        channels.send_email(delivery.address, text, f"{text}\n{link}")
    elif delivery.channel == Channel.SMS:
        channels.send_sms(delivery.address, text)
    else:
        robot = delivery.webhook
        assert robot is not None
        if not robot.is_active:
            raise channels.DeliveryFailed(_("the group robot is turned off"))
        title = str(NotificationKind(notification.kind).label)
        message = channels.robot_body(robot.platform, title, text, notification.link)
        channels.post_to_robot(robot.platform, robot.url, robot.secret, message)


def digest_text(digest: Delivery) -> tuple[str, str]:
    gathered = digest.gathered.select_related("notification").order_by("notification__created_at")
    lines = []
    for held in gathered:
        note = held.notification
        if note is not None:
            stamp = timezone.localtime(note.created_at).strftime("%m-%d %H:%M")
            lines.append(f"{stamp} {note.message}\n{channels.absolute(note.link)}".rstrip())
    subject = _("Xiao'an daily digest: %(count)s notifications") % {"count": len(lines)}
    return subject, "\n\n".join(lines)


@task()
def run_periodic_job(run_id: int) -> str:
    """Run the job of a slot a worker took (`schedule.take_due_slots`)."""
    run = JobRun.objects.filter(pk=run_id, finished_at__isnull=True).first()
    if run is None:
        return "done"
    result = import_string(str(settings.PERIODIC_JOBS[run.job]["call"]))()
    JobRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(), result=result if isinstance(result, dict) else None
    )
    return run.job


def requeue_stalled() -> dict[str, int]:
    """Queue again the deliveries whose task was lost (a worker killed mid-way); the
    `attempts` guard keeps a delivery from going out twice."""
    before = timezone.now() - STALLED_AFTER
    stalled = Delivery.objects.filter(status=DeliveryStatus.QUEUED).filter(
        Q(next_attempt_at__lt=before) | Q(next_attempt_at__isnull=True, updated_at__lt=before)
    )
    ids = list(stalled.values_list("pk", flat=True)[:1000])
    enqueue(ids)
    return {"requeued": len(ids)}
