"""The register beyond its own pages: a failed inspection item's hazard linked to a point, the
hazard form offering the school's points, the school's to-do list, and the monthly and
quarterly reports stating the levels where a register is kept."""

from __future__ import annotations

import datetime

import time_machine

from xiaoan.campaigns.models import Campaign
from xiaoan.hazards.models import Area, Hazard
from xiaoan.inspections.models import Inspection
from xiaoan.reports import narrative
from xiaoan.reports.marks import plain
from xiaoan.reports.models import MonthlyReport
from xiaoan.reports.official import quarterly_figures
from xiaoan.todo import todo_for


def _inspection(alice, school, area):
    campaign = Campaign.objects.create(
        bureau=school.bureau,
        name="2014年学校安全专项行动",
        start_date=datetime.date(2014, 7, 15),
        end_date=datetime.date(2014, 12, 31),
        status="running",
    )
    campaign.focus_areas.set(Area.objects.all())
    return Inspection.objects.start(
        alice, school=school, kind="self", date=datetime.date(2014, 9, 1), areas=[area]
    )


def test_a_failed_item_becomes_a_hazard_at_a_point(point, alice, school_a, fire_area, as_user):
    inspection = _inspection(alice, school_a, fire_area)
    answer = inspection.answers.first()
    page = as_user(alice).get(f"/inspections/{inspection.pk}/").content.decode()
    assert point.name in page  # the item's card offers the school's points
    response = as_user(alice).post(
        f"/inspections/{inspection.pk}/answers/{answer.pk}/hazard/",
        {"description": "灭火器过期", "level": "general", "risk_point": point.pk},
    )
    assert response.status_code == 302
    assert Hazard.objects.get().risk_point == point


def test_the_hazard_form_offers_only_the_schools_points(point, make_point, as_user, alice, bob):
    page = as_user(alice).get("/hazards/new/").content.decode()
    assert point.name in page
    assert point.name not in as_user(bob).get("/hazards/new/").content.decode()


def test_a_point_to_reassess_is_on_the_schools_todo_list(point, make_hazard, alice, bob):
    make_hazard(point, found_on=datetime.date(2014, 8, 20))
    make_hazard(point)
    groups = {g.key: g for g in todo_for(alice)}
    assert groups["risks"].lines[0].text == point.name
    assert "risks" not in {g.key for g in todo_for(bob)}


@time_machine.travel(datetime.datetime(2014, 10, 8, 10, 0), tick=False)
def test_the_monthly_report_states_the_register(point, make_point, make_hazard, alice, bob):
    make_point(name="配电房", likelihood=4, severity=5)
    make_hazard(point, found_on=datetime.date(2014, 8, 20))
    make_hazard(point)
    report = MonthlyReport.for_month(alice.membership.school, 2014, 9)
    report.compile(alice)
    risks = report.figures["risks"]
    assert risks["by_level"] == {"red": 1, "orange": 0, "yellow": 1, "blue": 0}
    assert risks["to_reassess"] == 1
    assert report.risk_line.startswith("风险点2个（重大风险（红） 1，一般风险（黄） 1）")
    other = MonthlyReport.for_month(bob.membership.school, 2014, 9)
    other.compile(bob)
    assert other.figures["risks"] is None and other.risk_line == ""


def test_the_quarterly_report_states_the_levels_where_registers_exist(
    point, make_point, school_a, bureau
):
    make_point(name="配电房", likelihood=4, severity=5)
    figures = quarterly_figures(bureau.pk, 2014, 3, datetime.date(2014, 10, 10))
    assert figures["risks"]["schools"] == 1 and figures["risks"]["total"] == 2
    text = plain(narrative.quarterly_report(figures))
    assert "全区1所学校落实风险分级管控，辨识登记风险点2个" in text
    empty = quarterly_figures(bureau.pk, 2013, 4, datetime.date(2014, 1, 10))
    assert empty["risks"] is None
    assert "风险分级管控" not in narrative.quarterly_report(empty)


def test_the_ledger_export_names_each_hazards_risk_point(point, make_hazard, as_user, alice):
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    linked = make_hazard(point)
    make_hazard(description="走廊应急灯不亮")
    sheet = load_workbook(io.BytesIO(as_user(alice).get(reverse("hazards:export")).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if "风险点" in r)
    column = header.index("风险点")
    by_code = {r[1]: r[column] for r in rows[rows.index(header) + 1 :]}
    assert by_code == {
        linked.code: point.name,
        Hazard.objects.exclude(pk=linked.pk).get().code: None,
    }
