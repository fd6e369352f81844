"""The client's address, taken from a proxy's header only when that proxy is one we trust.

Behind nginx every request comes from 127.0.0.1; the real address is in X-Forwarded-For, which
any client can also send. So the header is read only when the request comes from an address
listed in `TRUSTED_PROXIES`, and then from the right: the first address not of a trusted proxy
is the client (what the client wrote itself is further left and ignored).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request: Any) -> str:
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "") or "0.0.0.0"
    trusted = set(getattr(settings, "TRUSTED_PROXIES", ()))
    if remote not in trusted:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        address = _valid(hop)
        if address is None:
            break
        if address not in trusted:
            return address
    return remote
