"""API tokens end: after API_TOKEN_DAYS, at a password change, at deactivation; and a user can
see and revoke theirs."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def _api(token: Token) -> int:
    return Client().get("/api/v1/schools/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code


def test_a_fresh_token_works(alice):
    assert _api(Token.objects.create(user=alice)) == 200


def test_an_old_token_is_refused_and_deleted(alice, settings):
    settings.API_TOKEN_DAYS = 30
    token = Token.objects.create(user=alice)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - datetime.timedelta(days=31))
    assert _api(token) == 401
    assert not Token.objects.filter(user=alice).exists()


def test_a_password_change_revokes_the_token(alice):
    token = Token.objects.create(user=alice)
    alice.set_password("another-long-password-2026")
    alice.save()
    assert _api(token) == 401


def test_saving_the_user_without_a_new_password_keeps_the_token(alice):
    token = Token.objects.create(user=alice)
    alice.first_name = "爱丽丝"
    alice.save()
    assert _api(token) == 200


def test_deactivating_the_membership_revokes_the_token(alice):
    token = Token.objects.create(user=alice)
    alice.membership.is_active = False
    alice.membership.save()
    assert _api(token) == 401


def test_a_user_sees_and_revokes_their_token(as_user, alice):
    Token.objects.create(user=alice)
    client = as_user(alice)
    page = client.get(reverse("accounts:tokens")).content.decode()
    assert "撤销" in page
    assert client.get(reverse("accounts:token_revoke")).status_code == 405
    assert client.post(reverse("accounts:token_revoke")).status_code == 302
    assert not Token.objects.filter(user=alice).exists()
