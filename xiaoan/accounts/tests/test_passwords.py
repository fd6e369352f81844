"""Password rules, and a temporary password changed before anything else."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from xiaoan.accounts.models import Membership

pytestmark = pytest.mark.django_db


def errors(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return [e.code for e in error.error_list]
    return []


def test_a_short_password_is_refused(carol):
    assert "password_too_short" in errors("Qx7-pz", carol)


def test_a_password_containing_the_login_is_refused(carol):
    assert "password_has_username" in errors("Carol-2026-Qingxi", carol)


def test_the_demo_password_is_refused_in_production(settings, carol):
    settings.DEBUG = False
    assert "password_is_demo" in errors("xiaoan2014", carol)


def test_the_demo_password_is_accepted_by_the_demo(settings, carol):
    settings.DEBUG = True
    assert "password_is_demo" not in errors("xiaoan2014", carol)


def test_a_good_password_passes(carol):
    assert errors("Qingxi-gate-7319", carol) == []


@pytest.fixture
def reset(bureau_admin, carol):
    return carol.membership.reset_password(bureau_admin)


def logged_in(username, password) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    assert response.status_code == 302
    return client


def test_a_temporary_password_leads_to_the_password_form(reset):
    client = logged_in("carol", reset)
    response = client.get(reverse("hazards:list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")
    assert client.get(reverse("accounts:password_change")).status_code == 200


def test_the_api_refuses_a_session_with_a_temporary_password(reset):
    client = logged_in("carol", reset)
    response = client.get("/api/v1/hazards/")
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"


def test_no_api_token_for_a_temporary_password(reset):
    response = APIClient().post("/api/v1/auth/token/", {"username": "carol", "password": reset})
    assert response.status_code == 400


def test_after_the_change_the_pages_open(reset, carol):
    client = logged_in("carol", reset)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": reset,
            "new_password1": "Qingxi-gate-7319",
            "new_password2": "Qingxi-gate-7319",
        },
    )
    assert response.status_code == 302
    assert not Membership.objects.get(user=carol).must_change_password
    assert client.get(reverse("hazards:list")).status_code == 200


def test_the_password_form_applies_the_rules(reset):
    client = logged_in("carol", reset)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": reset, "new_password1": "carol12345x", "new_password2": "carol12345x"},
    )
    assert response.status_code == 200
    assert Membership.objects.get(user__username="carol").must_change_password


def project_hashers(settings) -> None:
    """The hashers production has (the suite's default is a fast one)."""
    from xiaoan import settings as project

    settings.PASSWORD_HASHERS = project.PASSWORD_HASHERS


def test_a_temporary_password_is_hashed_again_at_login(bureau_admin, carol, settings):
    """Made with the one-time hasher's few rounds, hashed with the default at the first login."""
    project_hashers(settings)
    password = carol.membership.reset_password(bureau_admin)
    carol.refresh_from_db()
    assert carol.password.startswith("pbkdf2_sha256_onetime$100$")
    logged_in("carol", password)
    carol.refresh_from_db()
    assert identify_hasher(carol.password).algorithm == "pbkdf2_sha256"
    assert not get_hasher("default").must_update(carol.password)


def test_a_chosen_password_is_hashed_by_the_default_hasher(reset, carol, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "xiaoan.accounts.hashers.OneTimePasswordHasher",
    ]
    new = "Qingxi-gate-7319"
    data = {"old_password": reset, "new_password1": new, "new_password2": new}
    logged_in("carol", reset).post(reverse("accounts:password_change"), data)
    carol.refresh_from_db()
    assert identify_hasher(carol.password).algorithm == "md5" and carol.check_password(new)


def test_a_wrong_password_is_refused_by_the_one_time_hasher(settings):
    from xiaoan.accounts.hashers import OneTimePasswordHasher

    hasher = OneTimePasswordHasher()
    encoded = hasher.encode("mMLWw8jZdTrg", hasher.salt())
    assert hasher.verify("mMLWw8jZdTrg", encoded)
    assert not hasher.verify("mMLWw8jZdTrh", encoded)


def test_the_one_time_hasher_may_not_be_the_default(settings):
    from xiaoan.accounts.hashers import one_time_hasher_is_not_the_default

    project_hashers(settings)
    assert one_time_hasher_is_not_the_default() == []
    settings.PASSWORD_HASHERS = [
        "xiaoan.accounts.hashers.OneTimePasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    [error] = one_time_hasher_is_not_the_default()
    assert error.id == "xiaoan.accounts.E001"
