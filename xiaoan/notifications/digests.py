"""The daily digest: one email per user gathering the notifications of the kinds they chose to
read once a day (their deliveries wait as `held` until then). A periodic job of the worker."""

from __future__ import annotations

from functools import partial

from django.db import transaction

from .choices import Channel, DeliveryStatus
from .models import Delivery
from .tasks import enqueue


def send_digests() -> dict[str, int]:
    users = (
        Delivery.objects.filter(status=DeliveryStatus.HELD)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for user_id in list(users):
        with transaction.atomic():
            held = list(
                Delivery.objects.select_for_update()
                .filter(recipient_id=user_id, status=DeliveryStatus.HELD)
                .order_by("pk")
            )
            if not held:
                continue
            digest = Delivery.objects.create(
                channel=Channel.EMAIL,
                recipient_id=user_id,
                address=held[-1].address,
                bureau_id=held[-1].bureau_id,
            )
            Delivery.objects.filter(pk__in=[h.pk for h in held]).update(
                status=DeliveryStatus.DIGESTED, digest=digest
            )
            transaction.on_commit(partial(enqueue, [digest.pk]), robust=True)
        sent += 1
    return {"digests": sent}
