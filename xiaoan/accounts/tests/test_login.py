from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_login_with_right_password_goes_home(client, alice):
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_wrong_password_gets_a_chinese_message(client, alice):
    response = login(client, "alice", "wrong")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_login_is_throttled_after_repeated_failures(client, alice, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        login(client, "alice", "wrong")
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_throttle_counts_per_username_not_only_per_address(client, alice, bob, settings):
    settings.LOGIN_MAX_ACCOUNT_FAILURES = 2
    for _ in range(2):
        login(client, "alice", "wrong")
    other = client.__class__(REMOTE_ADDR="10.1.1.9")
    assert "登录失败次数过多" in login(other, "alice", PASSWORD).content.decode()


def test_success_resets_the_failure_count(client, alice, settings):
    settings.LOGIN_MAX_FAILURES = 3
    login(client, "alice", "wrong")
    login(client, "alice", "wrong")
    assert login(client, "alice", PASSWORD).status_code == 302
    client.logout()
    login(client, "alice", "wrong")
    login(client, "alice", "wrong")
    assert login(client, "alice", PASSWORD).status_code == 302


def test_logout_needs_post(as_user, alice):
    client = as_user(alice)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_change(as_user, alice):
    response = as_user(alice).post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Qingxi-2026-safe",
            "new_password2": "Qingxi-2026-safe",
        },
    )
    assert response.status_code == 302
    assert get_user_model().objects.get(username="alice").check_password("Qingxi-2026-safe")


def test_admin_is_for_superusers_only(as_user, bureau_admin):
    bureau_admin.is_staff = True
    bureau_admin.save()
    assert as_user(bureau_admin).get("/admin/").status_code == 302
    root = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    assert as_user(root).get("/admin/").status_code == 200


def test_user_without_membership_sees_nothing(as_user, school_a):
    nobody = get_user_model().objects.create_user("nobody", password=PASSWORD)
    client = as_user(nobody)
    assert "尚未分配角色" in client.get(reverse("home")).content.decode()
    assert client.get(reverse("schools:detail", args=[school_a.pk])).status_code == 404
