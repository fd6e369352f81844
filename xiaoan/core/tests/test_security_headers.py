"""Every response says what the browser may run and keep (core.middleware.SecurityHeaders)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_allow_no_inline_script(client):
    response = client.get(reverse("accounts:login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert "frame-ancestors 'none'" in policy
    assert "microphone=()" in response["Permissions-Policy"]


def test_what_a_logged_in_user_receives_is_not_stored(as_user, alice):
    response = as_user(alice).get(reverse("home"))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"


def test_no_template_carries_an_inline_script_or_handler():
    import re
    from pathlib import Path

    package = Path(__file__).resolve().parents[2]
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|\son[a-z]+=\"")
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.html")
        if inline.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
