"""The overdue board across a city's districts: the longest overdue first whichever district
they are in (ids first, then the rows), the count of all, and the schools most behind grouped
in SQL (the most first, ties by code). On PostgreSQL the city's overdue list reads the
deadline's partial index in order (plan test)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from conftest import HISTORY_DAY, make_user
from xiaoan.accounts.choices import Role
from xiaoan.hazards import views
from xiaoan.hazards.models import Area, Hazard
from xiaoan.schools.choices import RegionLevel, SchoolKind
from xiaoan.schools.models import Bureau, Region, School

pytestmark = pytest.mark.django_db

TODAY = HISTORY_DAY  # the hazards' tests replay a day of 2014


@pytest.fixture
def city_officer(bureau, other_bureau):
    city = Region.objects.create(code="330100", name="清江市", level=RegionLevel.CITY)
    Region.objects.filter(pk__in=[bureau.region_id, other_bureau.region_id]).update(parent=city)
    return make_user(
        "city-officer", Role.CITY_ADMIN, Bureau.objects.create(region=city, name="清江市教育局")
    )


@pytest.fixture
def far_school(other_bureau) -> School:
    """The other district's school, with the code of school_a (codes are per district)."""
    return School.objects.create(
        bureau=other_bureau, code="S001", name="远山区实验小学", kind=SchoolKind.PRIMARY
    )


@pytest.fixture
def overdue(school_a, school_b, far_school, alice) -> list[Hazard]:
    """Overdue hazards of both districts, the deadlines interleaved and tied; open ones not
    yet due and closed ones past their deadline, which the board leaves out."""
    fire = Area.objects.get(code="fire")
    schools = [far_school, school_a, school_b, far_school, school_a]
    made = []
    for n in range(17):
        state = ["assigned", "rectifying", "closed", "rectifying"][n % 4]
        due = TODAY - datetime.timedelta(days=n % 5) if n < 15 else TODAY
        made.append(
            Hazard(
                bureau_id=schools[n % 5].bureau_id,
                code=f"YH-2014-{n + 1:04d}",
                school=schools[n % 5],
                area=fire,
                level="major" if n % 3 == 0 else "general",
                source="inspection",
                description="逾期",
                found_on=datetime.date(2014, 8, 1),
                reported_by=alice,
                status=state,
                deadline=due,
                closed_at=timezone.now() if state == "closed" else None,
            )
        )
    Hazard.objects.bulk_create(made)
    return [
        h
        for h in Hazard.objects.select_related("school")
        if h.status in ("assigned", "rectifying") and h.deadline < TODAY
    ]


def test_the_city_sees_its_districts_longest_overdue_first(
    monkeypatch, as_user, city_officer, overdue
):
    monkeypatch.setattr(views, "BOARD_ROWS", 5)
    board = as_user(city_officer).get(reverse("hazards:board"))
    longest = sorted(overdue, key=lambda h: (h.deadline, h.pk))
    assert [h.pk for h in board.context["overdue"]] == [h.pk for h in longest[:5]]
    assert board.context["overdue"][0].school.name  # the rows come with their joins
    assert board.context["overdue_count"] == len(overdue)


def test_the_schools_most_behind_come_first_ties_by_code(
    as_user, city_officer, bureau_admin, bureau, overdue
):
    def expected(hazards: list[Hazard]) -> list[tuple]:
        rows = {}
        for h in hazards:
            n, major = rows.get(h.school, (0, 0))
            rows[h.school] = (n + 1, major + (h.level == "major"))
        order = sorted(rows.items(), key=lambda r: (-r[1][0], r[0].code, r[0].pk))
        return [(s.pk, s.code, s.name, n, major) for s, (n, major) in order]

    def shown(user) -> list[tuple]:
        rows = as_user(user).get(reverse("hazards:board")).context["schools_behind"]
        keys = ("school__pk", "school__code", "school__name", "n", "major")
        return [tuple(row[k] for k in keys) for row in rows]

    assert shown(city_officer) == expected(overdue)
    assert shown(bureau_admin) == expected([h for h in overdue if h.bureau_id == bureau.pk])
    limited = Hazard.objects.for_user(city_officer).overdue().most_by_school(2)
    assert [row["school__pk"] for row in limited] == [row[0] for row in expected(overdue)[:2]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_a_citys_overdue_list_reads_the_deadline_index_in_order(city_officer, overdue):
    """Above the district no bureau's overdue index gives one order: the deadline's partial
    index does, keeping the districts reached."""
    ids = (
        Hazard.objects.for_user(city_officer)
        .overdue(TODAY)
        .order_by("deadline", "id")
        .values_list("pk", flat=True)
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # A test's few rows: forbid scanning the table and sorting, so the plan shows whether
        # the index gives the rows in their order.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        plan = ids[:100].explain()
    assert "hazard_overdue_deadline_idx" in plan, plan
    assert "Sort" not in plan
