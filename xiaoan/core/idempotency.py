"""Writes sent from a device that may send them again: the field pages' outbox gives every
write its own id (`X-Idempotency-Key`, a UUID made on the device). The first request with an
id runs and its answer is kept with the id in the same transaction; a repeat gets the kept
answer and writes nothing, so a phone that lost the answer, or went offline and back, never
doubles an answer, a hazard or a patrol.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from .models import ClientRequest

HEADER = "X-Idempotency-Key"
KEPT_BODY_BYTES = 200_000


def _key(request: HttpRequest) -> uuid.UUID | None:
    raw = request.headers.get(HEADER, "")
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None


def _replay(done: ClientRequest) -> HttpResponse:
    if done.location:
        response: HttpResponse = HttpResponseRedirect(done.location)
    else:
        response = HttpResponse(done.body, status=done.status, content_type=done.content_type)
    response["X-Idempotent-Replay"] = "true"
    return response


def _keep(request: HttpRequest, key: uuid.UUID, response: HttpResponse) -> None:
    user: Any = request.user
    body = b"" if getattr(response, "streaming", False) else response.content
    ClientRequest.objects.create(
        user=user,
        key=key,
        path=request.path[:300],
        status=response.status_code,
        location=str(response.get("Location", ""))[:300],
        content_type=str(response.get("Content-Type", ""))[:100],
        body=body[:KEPT_BODY_BYTES].decode("utf-8", "replace"),
    )


def idempotent(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run a POST view once per (user, key); a request without a key runs as usual.

    Answers of 500 and above are not kept (the device tries again). Two copies arriving at
    once: the second's insert of the key fails, its writes roll back, and it gets the first's
    answer.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = _key(request)
        if key is None or request.method != "POST" or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        kept = ClientRequest.objects.filter(user=request.user, key=key)
        done = kept.first()
        if done is not None:
            return _replay(done)
        try:
            with transaction.atomic():
                response = view(request, *args, **kwargs)
                if response.status_code < 500:
                    _keep(request, key, response)
        except IntegrityError:
            done = kept.first()
            if done is None:
                raise
            return _replay(done)
        return response

    return wrapper
