"""The pages map `core.errors` once: back to the page with the sentence, or the 403/404 page."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("xiaoan.core.tests.urls_domain_errors")]


@pytest.mark.parametrize("kind", ["invalid", "refused", "stale"])
def test_a_refused_step_goes_back_to_the_page_with_its_sentence(as_user, bureau_admin, kind):
    client = as_user(bureau_admin)
    response = client.post(f"/fail/{kind}/", HTTP_REFERER="http://testserver/hazards/")
    assert response.status_code == 302 and response["Location"] == "http://testserver/hazards/"
    page = client.get("/hazards/").content.decode()
    assert "这一步现在不能办理。" in page


def test_a_refused_step_never_redirects_off_site(as_user, bureau_admin):
    response = as_user(bureau_admin).post("/fail/refused/", HTTP_REFERER="http://evil.example/")
    assert response.status_code == 409 and "这一步现在不能办理。" in response.content.decode()


def test_an_htmx_step_is_told_where_to_go(as_user, bureau_admin):
    response = as_user(bureau_admin).post(
        "/fail/invalid/", HTTP_HX_REQUEST="true", HTTP_REFERER="http://testserver/hazards/"
    )
    assert response.status_code == 204 and response["HX-Redirect"] == "http://testserver/hazards/"


@pytest.mark.parametrize(
    ("kind", "status"),
    [("invalid", 400), ("refused", 409), ("not-allowed", 403), ("not-found", 404)],
)
def test_a_page_read_answers_the_errors_status_with_its_sentence(as_user, alice, kind, status):
    response = as_user(alice).get(f"/fail/{kind}/")
    assert response.status_code == status
    if status != 404:
        assert "这一步现在不能办理。" in response.content.decode()
