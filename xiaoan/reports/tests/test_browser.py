"""The dashboard as a browser draws it: ECharts renders every chart from the page's data."""

from __future__ import annotations

import importlib

import pytest

from conftest import browser_login


@pytest.fixture
def areas(transactional_db):
    # The six areas come from a data migration, which an earlier transactional test's flush
    # may have wiped: seed them again (idempotent).
    from django.apps import apps

    importlib.import_module("xiaoan.hazards.migrations.0002_six_areas").seed_areas(apps, None)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dashboard_draws_its_charts(page, live_server, areas, bureau_admin, september_ledger):
    browser_login(page, live_server, "bureau")
    page.goto(f"{live_server.url}/reports/dashboard/")
    page.wait_for_selector("#chart-area canvas")
    for chart in ("chart-area", "chart-funnel", "chart-trend", "chart-ranking"):
        assert page.locator(f"#{chart} canvas").count() == 1
    assert page.locator("h1").inner_text() == "全区数据看板"
