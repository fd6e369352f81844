"""The ways a message leaves the site: email (Django's backend), text messages (the class named
by `SMS_BACKEND`) and group robots (WeCom, DingTalk). Each `send_*` raises `DeliveryFailed` (or
the transport's own error) when the message did not get through, so the task tries again."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from .choices import Platform


class DeliveryFailed(Exception):
    """The other side refused or did not answer as it should."""


class SMSBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class ConsoleSMSBackend:
    """Prints each text message (the default, like Django's console email backend); a site
    sets `SMS_BACKEND` to its provider's class with the same `send(phone, text)`."""

    def send(self, phone: str, text: str) -> None:
        sys.stdout.write(f"SMS to {phone}: {text}\n")
        sys.stdout.flush()


def send_email(address: str, subject: str, body: str) -> None:
    send_mail(subject[:78], body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)


def send_sms(phone: str, text: str) -> None:
    backend: SMSBackend = import_string(settings.SMS_BACKEND)()
    backend.send(phone, text)


def absolute(link: str) -> str:
    if not link or "://" in link:
        return link
    return f"{settings.SITE_URL}{link}"


def robot_body(platform: str, title: str, text: str, link: str) -> dict[str, Any]:
    """The message in the robot's markdown format, with the link to open."""
    url = absolute(link)
    content = f"**{title}**\n\n{text}" + (f"\n\n[{url}]({url})" if url else "")
    if platform == Platform.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": content}}
    return {"msgtype": "markdown", "markdown": {"content": content}}


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature: HMAC-SHA256 of "timestamp\\nsecret" keyed by the secret, base64."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    if not secret:
        return url
    timestamp_ms = timestamp_ms or int(time.time() * 1000)
    sign = urllib.parse.quote_plus(dingtalk_sign(secret, timestamp_ms))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp_ms}&sign={sign}"


def post_to_robot(platform: str, url: str, secret: str, body: dict[str, Any]) -> None:
    """POST the message; both robots answer 200 with `errcode` 0 when it went to the group."""
    if platform == Platform.DINGTALK:
        url = signed_url(url, secret)
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            answer = response.read(10_000)
    except urllib.error.HTTPError as error:
        raise DeliveryFailed(f"HTTP {error.code}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise DeliveryFailed(str(getattr(error, "reason", error))) from error
    try:
        errcode = json.loads(answer).get("errcode", 0)
    except (ValueError, AttributeError) as error:
        raise DeliveryFailed(f"not a robot's answer: {answer[:200]!r}") from error
    if errcode != 0:
        raise DeliveryFailed(f"errcode {errcode}: {answer[:200].decode(errors='replace')}")
