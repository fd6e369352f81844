"""The ledger's rows are rendered once for each version of what they show (`core.fragments`):
paging back or filtering again reads them from the cache; a step on a hazard, a school renamed
or an area renamed shows at once; a school's user and the bureau get their own rows."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from xiaoan.core.tests.kept_rows import rendered, tbody

ROW = "hazards/_row.html"


@pytest.fixture
def three(make_hazard, school_a):
    return [make_hazard(school=school_a, description=f"第{n}处隐患") for n in range(3)]


def test_the_second_request_reads_every_row_from_the_cache(as_user, bureau_admin, three):
    client = as_user(bureau_admin)
    first = client.get(reverse("hazards:list"))
    assert rendered(first, ROW) == 3
    again = client.get(reverse("hazards:list"))
    assert rendered(again, ROW) == 0
    assert tbody(again) == tbody(first)
    for hazard in three:
        assert hazard.code in again.content.decode()


def test_a_page_whose_rows_are_kept_reads_only_their_keys(as_user, bureau_admin, three):
    """The second request reads the hazards' ids and versions, not their descriptions or
    their schools' and areas' other columns: every row comes from the cache."""
    from django.db import connection

    client = as_user(bureau_admin)
    client.get(reverse("hazards:list"))
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.get(reverse("hazards:list"))
    assert all(hazard.description in response.content.decode() for hazard in three)
    read = " ".join(s for s in statements if "hazards_hazard" in s)
    assert '"hazards_hazard"."version"' in read and '"schools_school"."version"' in read
    for column in ('"hazards_hazard"."description"', '"schools_school"."address"'):
        assert column not in read


def test_a_step_shows_at_once_and_only_its_row_is_rendered_again(as_user, bureau_admin, three):
    client = as_user(bureau_admin)
    client.get(reverse("hazards:list"))
    three[1].assign(bureau_admin, opinion="三日内清理", deadline=datetime.date(2014, 9, 10))
    response = client.get(reverse("hazards:list"))
    assert rendered(response, ROW) == 1
    assert "待整改" in response.content.decode()


def test_a_renamed_school_and_area_show_at_once(as_user, bureau_admin, three, school_a):
    client = as_user(bureau_admin)
    client.get(reverse("hazards:list"))
    school_a.name = "清江路小学（新校区）"
    school_a.save()
    response = client.get(reverse("hazards:list"))
    assert rendered(response, ROW) == 3
    assert response.content.decode().count("清江路小学（新校区）") >= 3
    area = three[0].area
    area.name_zh = "消防安全（含电气）"
    area.save()
    assert client.get(reverse("hazards:list")).content.decode().count("消防安全（含电气）") >= 3


def test_a_school_user_gets_rows_of_their_own(as_user, bureau_admin, alice, three, school_a):
    as_user(bureau_admin).get(reverse("hazards:list"))
    response = as_user(alice).get(reverse("hazards:list"))
    # The bureau's rows name the school under the description on a phone; a school's do not.
    assert rendered(response, ROW) == 3
    assert f"{school_a.name} · " not in response.content.decode()


def test_a_school_users_ledger_has_no_school_column(as_user, bureau_admin, alice, three):
    """Every row of a school's ledger is the user's own school: no column repeats it."""
    column = '<th class="d-none d-lg-table-cell">'
    bureau = as_user(bureau_admin).get(reverse("hazards:list"))
    school = as_user(alice).get(reverse("hazards:list"))
    assert column in bureau.content.decode() and column not in school.content.decode()
    assert tbody(bureau).count("<td") == 7 * 3
    assert tbody(school).count("<td") == 6 * 3
