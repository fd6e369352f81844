"""The registry remembers: a school added or retired today, a vehicle registered in 2026,
change nothing of 2014 — the Q3 report's figures and draft, the campaign summary, the
September compliance board, the August childcare round — while today's lists change."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from conftest import committed_for_the_scope
from xiaoan.campaigns.demo import demo_campaign
from xiaoan.core.dates import local_today
from xiaoan.inspections.models import InspectionSchedule
from xiaoan.registers.models import Vehicle
from xiaoan.reports import official
from xiaoan.reports.choices import OfficialKind
from xiaoan.reports.figures import school_counts
from xiaoan.schools.choices import SchoolKind
from xiaoan.schools.models import School

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="class")
def district(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo district, loaded once for the class's tests; each test's changes are rolled
    back with it."""
    with committed_for_the_scope(django_db_blocker, tmp_path_factory):
        call_command("demo", stdout=io.StringIO())
        user = get_user_model().objects.get(username="bureau")
        client = Client()
        client.force_login(user)
        yield School.objects.get(code="S001").bureau, client


def _past(bureau) -> dict:
    """Everything of 2014 the tests compare, as the pages and documents compute it."""
    quarterly = official.generate(OfficialKind.QUARTERLY, bureau, year=2014, quarter=3)
    summary = official.generate(OfficialKind.CAMPAIGN_SUMMARY, bureau, campaign=demo_campaign())
    board = official.compliance_rows(bureau.pk, 2014, 9, local_today())
    childcare_round = InspectionSchedule.objects.get(school_kinds=[SchoolKind.KINDERGARTEN])
    return {
        "quarterly": (quarterly.figures, quarterly.narrative),
        "summary": (summary.figures, summary.narrative),
        "board": [(school.code, state) for school, _report, state in board],
        "round": (
            [row.school.code for row in childcare_round.coverage()],
            childcare_round.figures(),
        ),
    }


def _measure(figures: dict, key: str):
    return next(m["value"] for m in figures["key_measures"] if m["key"] == key)


def _change_the_registry_today(bureau, client: Client) -> tuple[School, School]:
    """What a bureau does in 2026, through its pages: a new kindergarten, a school that left,
    a new pick-up vehicle."""
    response = client.post(
        reverse("schools:create"),
        {"code": "S080", "name": "清溪区新苗幼儿园", "kind": "kindergarten", "enrolment": "90"},
    )
    assert response.status_code == 302
    added = School.objects.get(bureau=bureau, code="S080")
    retired = School.objects.get(bureau=bureau, code="S003")
    merged_into = School.objects.get(bureau=bureau, code="S004")
    response = client.post(
        reverse("schools:retire", args=[retired.pk]),
        {"closed_on": local_today().isoformat(), "merged_into": merged_into.pk},
    )
    assert response.status_code == 302
    # The vehicle is the school's own to register (school001 keeps S001's registers).
    school_client = Client()
    school_client.force_login(get_user_model().objects.get(username="school001"))
    response = school_client.post(
        reverse("registers:create", args=["vehicles"]),
        {
            "plate": "浙A2026X",
            "seats": "35",
            "owner": "清溪客运有限公司",
            "is_school_bus": "on",
            "bus_licence_no": "校车标牌2026-001",
            "inspection_due": "2027-03-01",
            "insurance_due": "2027-06-01",
        },
    )
    assert response.status_code == 302
    return added, retired


class TestTheDemoDistrict:
    """Both change the registry of the demo district, which is loaded once for them."""

    def test_changing_the_registry_today_leaves_2014_as_it_was(self, district):
        bureau, client = district
        before = _past(bureau)
        figures = before["quarterly"][0]
        assert figures["schools"] == {
            "primary_secondary": 37,
            "childcare": 42,
            "migrant": 3,
            "total": 79,
        }
        assert "全区37所中小学（其中民工子弟学校3所）、42家幼托机构" in before["quarterly"][1]
        assert before["summary"][0]["schools"] == {
            "primary_secondary": 37,
            "childcare": 42,
            "migrant": 3,
            "total": 79,
        }
        assert _measure(figures, "auxiliary_police") == 118
        vehicles_2014 = _measure(figures, "vehicles")
        assert vehicles_2014 > 0 and _measure(figures, "vehicle_schools") == 23
        assert len(before["board"]) == 79
        assert len(before["round"][0]) == 42

        _change_the_registry_today(bureau, client)

        assert _past(bureau) == before

    def test_changing_the_registry_today_changes_todays_lists(self, district):
        bureau, client = district
        ledger = {s.code: s.hazards.count() for s in School.objects.filter(bureau=bureau)}
        added, retired = _change_the_registry_today(bureau, client)

        assert school_counts(bureau.pk) == {"primary_secondary": 36, "childcare": 43}
        listed = client.get(reverse("schools:list") + "?q=清溪区").context["paginator"].object_list
        assert added in listed and retired not in listed
        left = list(client.get(reverse("schools:list") + "?registry=left").context["object_list"])
        assert left == [retired]
        home = client.get(reverse("home")).context
        assert (home["primary_secondary_count"], home["childcare_count"]) == (36, 43)
        # A report of the running month expects the new school and no longer the one that left.
        today = local_today()
        codes = {
            s.code
            for s, _r, _state in official.compliance_rows(bureau.pk, today.year, today.month, today)
        }
        assert added.code in codes and retired.code not in codes
        assert (
            Vehicle.objects.filter(school__bureau=bureau)
            .current()
            .filter(plate="浙A2026X")
            .exists()
        )
        # Nothing of the school that left is gone: its ledger and its detail page stay.
        assert client.get(retired.get_absolute_url()).status_code == 200
        assert {s.code: s.hazards.count() for s in School.objects.filter(bureau=bureau)} == {
            **ledger,
            added.code: 0,
        }


def test_a_quarter_counts_the_schools_of_its_end(bureau, school_a, kindergarten):
    School.objects.filter(pk=kindergarten.pk).update(opened_on=datetime.date(2014, 10, 1))
    School.objects.filter(pk=school_a.pk).update(closed_on=datetime.date(2014, 10, 1))
    assert school_counts(bureau.pk, datetime.date(2014, 9, 30)) == {
        "primary_secondary": 1,
        "childcare": 0,
    }
    assert school_counts(bureau.pk, datetime.date(2014, 10, 1)) == {
        "primary_secondary": 0,
        "childcare": 1,
    }
