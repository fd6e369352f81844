"""Production smoke test: talk to Xiao'an through nginx (TLS) → gunicorn, as a browser would.

Usage: smoke.py BASE_URL PHOTO_ID. Exits non-zero on the first thing that is not as it must be.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request

BASE, PHOTO = sys.argv[1].rstrip("/"), sys.argv[2]
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
jar = http.cookiejar.CookieJar()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


opener = urllib.request.build_opener(
    urllib.request.HTTPSHandler(context=context),
    urllib.request.HTTPCookieProcessor(jar),
    NoRedirect,
)


def fetch(path: str, data: dict | None = None, headers: dict | None = None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(BASE + path, data=body, headers=headers or {})
    try:
        response = opener.open(request, timeout=30)
    except urllib.error.HTTPError as error:
        response = error
    return response.status, dict(response.headers), response.read()


def check(condition: bool, what: str) -> None:
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        sys.exit(1)


status, headers, body = fetch("/accounts/login/")
check(status == 200, "login page answers 200")
policy = headers.get("Content-Security-Policy", "")
check("script-src 'self';" in policy, "CSP allows no inline script")
check("Permissions-Policy" in headers, "Permissions-Policy is sent")
check("Strict-Transport-Security" in headers, "HSTS is sent")
static = re.search(rb'href="(/static/vendor/bootstrap[^"]+\.css)"', body)
check(static is not None and b".min." in static.group(1), "static files have hashed names")
status, headers, _ = fetch(static.group(1).decode())  # type: ignore[union-attr]
check(status == 200 and "text/css" in headers.get("Content-Type", ""), "static CSS is served")

token = next(c.value for c in jar if c.name == "csrftoken")
status, headers, _ = fetch(
    "/accounts/login/",
    {"username": "bureau", "password": "xiaoan2014", "csrfmiddlewaretoken": token},
    {"Referer": BASE + "/accounts/login/"},
)
check(status == 302, "the bureau logs in")
status, headers, body = fetch("/hazards/")
check(status == 200 and "隐患" in body.decode(), "the ledger answers")
check(headers.get("Cache-Control") == "no-store", "authenticated pages are not stored")
status, headers, body = fetch(f"/hazards/photos/{PHOTO}/")
check(status == 200 and headers.get("Content-Type") == "image/jpeg", "a photo is served")
status, headers, body = fetch("/hazards/export.xlsx")
check(status == 200 and body[:2] == b"PK", "the ledger exports to Excel")

status, _, body = fetch("/api/v1/auth/token/", {"username": "bureau", "password": "xiaoan2014"})
check(status == 200, "the API gives a token")
api_token = json.loads(body)["token"]
jar.clear()
status, _, body = fetch("/api/v1/hazards/", headers={"Authorization": f"Token {api_token}"})
check(status == 200 and json.loads(body)["count"] > 0, "the API lists hazards")
for _attempt in range(6):
    status, _, body = fetch("/api/v1/auth/token/", {"username": "leader", "password": "wrong"})
status, _, body = fetch("/api/v1/auth/token/", {"username": "leader", "password": "xiaoan2014"})
check(status in (400, 429) and "token" not in json.loads(body), "the token endpoint is throttled")
print("smoke: production set-up answers as it must")
