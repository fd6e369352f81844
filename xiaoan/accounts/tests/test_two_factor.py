"""The optional second factor for the bureau's accounts (accounts/twofactor.py)."""

from __future__ import annotations

import pyotp
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from xiaoan.accounts.models import TwoFactor

pytestmark = pytest.mark.django_db
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _login(client: Client, username: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})


def test_the_bureau_turns_it_on_with_a_code_from_the_app(as_user, bureau_admin):
    client = as_user(bureau_admin)
    client.get(reverse("accounts:two_factor"))
    secret = client.session["xiaoan_second_factor_setup"]
    assert client.post(reverse("accounts:two_factor"), {"code": "000000"}).status_code == 200
    client.post(reverse("accounts:two_factor"), {"code": pyotp.TOTP(secret).now()})
    assert TwoFactor.objects.get(user=bureau_admin).secret == secret


def test_a_school_account_is_not_offered_it(as_user, alice):
    assert as_user(alice).get(reverse("accounts:two_factor")).status_code == 403


def test_with_a_second_factor_the_password_alone_does_not_open_a_session(bureau_admin):
    TwoFactor.objects.create(user=bureau_admin, secret=SECRET)
    client = Client()
    response = _login(client, "bureau")
    assert response["Location"] == reverse("accounts:login_code")
    assert client.get(reverse("home")).status_code == 302  # not logged in yet
    wrong = client.post(reverse("accounts:login_code"), {"code": "123456"})
    assert "不正确" in wrong.content.decode()
    right = client.post(reverse("accounts:login_code"), {"code": pyotp.TOTP(SECRET).now()})
    assert right.status_code == 302 and client.get(reverse("home")).status_code == 200


def test_a_code_works_only_once(bureau_admin):
    factor = TwoFactor.objects.create(user=bureau_admin, secret=SECRET)
    with time_machine.travel("2026-11-29 10:00:05", tick=False):
        code = pyotp.TOTP(SECRET).now()
        assert factor.verify(code)
        factor.refresh_from_db()
        assert not factor.verify(code)


def test_code_guesses_count_in_the_login_throttle(bureau_admin, settings):
    settings.LOGIN_MAX_FAILURES = 3
    TwoFactor.objects.create(user=bureau_admin, secret=SECRET)
    client = Client()
    _login(client, "bureau")  # one attempt counted, then cleared by the right password
    for _ in range(3):
        client.post(reverse("accounts:login_code"), {"code": "000000"})
    locked = client.post(reverse("accounts:login_code"), {"code": pyotp.TOTP(SECRET).now()})
    assert "登录失败次数过多" in locked.content.decode()


def test_the_token_endpoint_asks_for_the_code_of_an_account_with_a_second_factor(bureau_admin):
    from rest_framework.test import APIClient

    TwoFactor.objects.create(user=bureau_admin, secret=SECRET)
    api = APIClient()
    data = {"username": "bureau", "password": PASSWORD}
    assert api.post("/api/v1/auth/token/", data).status_code == 400
    code = pyotp.TOTP(SECRET).now()
    response = api.post("/api/v1/auth/token/", {**data, "code": code})
    assert response.status_code == 200 and response.json()["token"]
