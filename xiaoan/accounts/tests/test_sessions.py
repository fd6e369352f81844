"""A session ends after a working day idle; reading a page does not write the session, its
expiry moves on once every SESSION_REFRESH_SECONDS."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import PASSWORD
from xiaoan.accounts import sessions

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, bureau_admin):
    assert client.login(username=bureau_admin.username, password=PASSWORD)
    return client


def _row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def _writes(client, url="/") -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]


def test_a_page_read_within_the_refresh_interval_writes_no_session(logged_in):
    _writes(logged_in)  # the first page after the login
    written = _writes(logged_in)
    assert written and all(sql.lstrip().upper().startswith("SELECT") for sql in written)


def test_the_expiry_moves_on_once_the_refresh_interval_has_passed(logged_in, monkeypatch):
    _writes(logged_in)
    before = _row(logged_in).expire_date
    later = sessions.time.time() + sessions.settings.SESSION_REFRESH_SECONDS + 60
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    written = _writes(logged_in)
    assert any(sql.lstrip().upper().startswith("UPDATE") for sql in written)
    assert _row(logged_in).expire_date > before
    # And then not again until the next interval.
    assert all(sql.lstrip().upper().startswith("SELECT") for sql in _writes(logged_in))


def test_a_session_idle_for_a_working_day_has_ended(logged_in, settings):
    _writes(logged_in)
    Session.objects.filter(session_key=logged_in.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = logged_in.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_logging_out_ends_the_session_and_writes_no_new_one(logged_in):
    key = logged_in.session.session_key
    logged_in.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert not Session.objects.exists()
