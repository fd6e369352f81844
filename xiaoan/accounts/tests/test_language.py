from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_in_simplified_chinese_by_default(as_user, bureau_admin, school_a):
    page = as_user(bureau_admin).get(reverse("home")).content.decode()
    assert 'lang="zh-hans"' in page
    assert "中小学" in page and "幼托机构" in page


def test_switching_to_english_and_back(as_user, bureau_admin, school_a):
    client = as_user(bureau_admin)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    page = client.get(reverse("home")).content.decode()
    assert 'lang="en"' in page and "Primary and secondary schools" in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("home")})
    assert "中小学" in client.get(reverse("home")).content.decode()


def test_choice_labels_follow_the_language(as_user, bureau_admin, kindergarten):
    client = as_user(bureau_admin)
    assert "幼儿园/托幼机构" in client.get(reverse("schools:list")).content.decode()
    client.post(reverse("set_language"), {"language": "en"})
    assert (
        "Kindergarten / childcare institution"
        in client.get(reverse("schools:list")).content.decode()
    )


def test_an_english_browser_still_gets_chinese_pages(as_user, bureau_admin, school_a):
    client = as_user(bureau_admin)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in page and "中小学" in page


def test_the_api_follows_accept_language(as_user, bureau_admin, school_a):
    client = as_user(bureau_admin)
    response = client.get("/api/v1/hazards/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"
    response = client.get("/api/v1/hazards/")
    assert response["Content-Language"] == "zh-hans"
