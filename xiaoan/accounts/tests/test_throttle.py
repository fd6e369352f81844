"""Logins that cannot be brute-forced, nor used to lock a school out (accounts/throttle.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from xiaoan.accounts import throttle

pytestmark = pytest.mark.django_db

LOCKED = "登录失败次数过多"


def login(client: Client, username: str, password: str, **extra: str):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


def test_five_typos_by_one_teacher_do_not_lock_out_the_school_behind_one_address(
    alice, carol, settings
):
    settings.LOGIN_MAX_FAILURES = 5
    shared = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(6):
        login(shared, "carol", "wrong")
    assert LOCKED in login(shared, "carol", PASSWORD).content.decode()
    assert login(Client(REMOTE_ADDR="10.0.0.1"), "alice", PASSWORD).status_code == 302


def test_the_address_alone_has_a_much_higher_ceiling(alice, bob, settings):
    settings.LOGIN_MAX_ADDRESS_FAILURES = 3
    shared = Client(REMOTE_ADDR="10.0.0.2")
    for name in ("x1", "x2", "x3", "x4"):
        login(shared, name, "wrong")
    assert LOCKED in login(shared, "bob", PASSWORD).content.decode()


def test_a_client_sent_forwarded_for_header_changes_nothing_by_default(alice, settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_MAX_ACCOUNT_FAILURES = 100
    client = Client(REMOTE_ADDR="10.0.0.3")
    for n in range(4):
        login(client, "alice", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = login(client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert LOCKED in response.content.decode()


def test_behind_a_trusted_proxy_the_forwarded_address_counts(alice, settings):
    settings.LOGIN_MAX_FAILURES = 2
    settings.LOGIN_MAX_ACCOUNT_FAILURES = 100
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    for _ in range(3):
        login(proxy, "alice", "wrong", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert (
        LOCKED
        in login(proxy, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7").content.decode()
    )
    # Another client behind the same proxy is counted apart (a forged left part is ignored).
    other = login(proxy, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.1, 198.51.100.8")
    assert other.status_code == 302


def test_attempts_are_counted_before_the_password_is_checked(settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        throttle.attempt("someone", "10.9.9.9")
    with pytest.raises(throttle.LockedOut):
        throttle.attempt("someone", "10.9.9.9")


def test_the_token_endpoint_counts_in_the_same_throttle_as_the_login_page(alice, settings):
    from rest_framework.test import APIClient

    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        login(Client(REMOTE_ADDR="10.0.0.9"), "alice", "wrong")
    api = APIClient(REMOTE_ADDR="10.0.0.9")
    response = api.post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429 and LOCKED in response.json()["detail"]


def test_the_token_endpoint_ignores_a_client_sent_forwarded_for(alice, settings):
    from rest_framework.test import APIClient

    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_MAX_ACCOUNT_FAILURES = 100
    api = APIClient(REMOTE_ADDR="10.0.0.10")
    for n in range(4):
        api.post(
            "/api/v1/auth/token/",
            {"username": "alice", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    response = api.post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429


def test_a_deactivated_account_gets_no_token(alice):
    from rest_framework.test import APIClient

    alice.membership.is_active = False
    alice.membership.save()
    response = APIClient().post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 400 and "token" not in response.json()
