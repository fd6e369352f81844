"""The levels above the district: a city's and a province's bureau read their districts side by
side, drill down to a district and a school, never edit anything of them, and run campaigns
their districts adopt, with the districts' summaries collected into one document.

Two districts under 临江市 (清溪区, the personas' own, and 东江区), and one district elsewhere
(远山区, the outsider's); the city's `city`, a province viewer over the city.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from conftest import LONG_AGO, client_for, make_user
from xiaoan.accounts.choices import Role
from xiaoan.accounts.models import Membership
from xiaoan.campaigns.choices import CampaignStatus
from xiaoan.campaigns.models import Campaign
from xiaoan.core.errors import Invalid, NotAllowed, Refused
from xiaoan.hazards.choices import HazardLevel, HazardSource
from xiaoan.hazards.models import Area, Hazard
from xiaoan.notifications.choices import NotificationKind
from xiaoan.notifications.models import Notification
from xiaoan.regions.summary import collected_summary
from xiaoan.reports.document import Heading, Table
from xiaoan.reports.models import MonthlyReport
from xiaoan.schools.choices import RegionLevel, SchoolKind
from xiaoan.schools.models import Bureau, Region, School

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(db) -> Bureau:
    region = Region.objects.create(code="330000", name="浙江省", level=RegionLevel.PROVINCE)
    return Bureau.objects.create(region=region, name="浙江省教育厅")


@pytest.fixture
def city_bureau(province, bureau) -> Bureau:
    region = Region.objects.create(
        code="330100", name="临江市", level=RegionLevel.CITY, parent=province.region
    )
    Region.objects.filter(pk=bureau.region_id).update(parent=region)
    return Bureau.objects.create(region=region, name="临江市教育局")


@pytest.fixture
def east(city_bureau) -> Bureau:
    """The city's second district, with one school."""
    region = Region.objects.create(
        code="330102", name="东江区", level=RegionLevel.DISTRICT, parent=city_bureau.region
    )
    bureau = Bureau.objects.create(region=region, name="东江区教育局")
    School.objects.create(
        bureau=bureau,
        code="D001",
        name="东江区实验小学",
        kind=SchoolKind.PRIMARY,
        opened_on=LONG_AGO,
    )
    return bureau


@pytest.fixture
def city(city_bureau):
    return make_user("city", Role.CITY_ADMIN, city_bureau)


@pytest.fixture
def province_viewer(province):
    return make_user("province", Role.PROVINCE_VIEWER, province)


@pytest.fixture
def east_admin(east):
    return make_user("east", Role.BUREAU_ADMIN, east)


@pytest.fixture
def far_school(other_bureau) -> School:
    return School.objects.create(
        bureau=other_bureau, code="S001", name="远山区实验小学", kind=SchoolKind.PRIMARY
    )


@pytest.fixture
def hazard(alice, school_a, replay_2014) -> Hazard:
    return Hazard.objects.report(
        school=school_a,
        area=Area.objects.get(code="fire"),
        level=HazardLevel.GENERAL,
        description="楼梯间堆放杂物",
        reported_by=alice,
        source=HazardSource.SELF_REPORT,
        found_on=datetime.date(2014, 9, 1),
    )


# ---- who sees what ---------------------------------------------------------------------------


def test_city_sees_every_school_of_its_districts_and_none_elsewhere(
    city, school_a, school_b, east, far_school
):
    names = set(School.objects.for_user(city).values_list("name", flat=True))
    assert names == {"清溪区实验小学", "清溪区第一中学", "东江区实验小学"}
    response = client_for(city).get(reverse("schools:detail", args=[far_school.pk]))
    assert response.status_code == 404


def test_province_reaches_the_districts_under_its_cities(
    province_viewer, school_a, east, far_school
):
    codes = set(School.objects.for_user(province_viewer).values_list("bureau__name", "code"))
    assert codes == {("清溪区教育局", "S001"), ("东江区教育局", "D001")}


def test_city_reads_the_ledger_and_monthly_reports_of_its_districts(city, hazard, alice):
    assert list(Hazard.objects.for_user(city)) == [hazard]
    assert client_for(city).get(reverse("hazards:detail", args=[hazard.pk])).status_code == 200
    response = client_for(city).get("/api/v1/hazards/")
    assert [row["code"] for row in response.json()["results"]] == [hazard.code]


# ---- read only -------------------------------------------------------------------------------


def test_every_allowed_actions_check_says_no_to_the_city(city, province_viewer, hazard, alice):
    """The hazard, its school's monthly report and the district's campaign: nothing to do."""
    report = MonthlyReport.start(alice, 2014, 8)
    campaign = Campaign.objects.create(
        bureau=hazard.bureau,
        name="清溪区专项行动",
        start_date=datetime.date(2014, 7, 1),
        end_date=datetime.date(2014, 12, 31),
    )
    plan = campaign.plan_for(hazard.school)
    for user in (city, province_viewer):
        for record in (hazard, report, campaign, plan):
            assert record.allowed_actions(user) == [], (user, record)


@pytest.mark.parametrize(
    "step", ["assign", "start", "submit", "verify", "reject", "extend", "supervise", "lift"]
)
def test_city_is_refused_each_hazard_step_on_the_page_and_in_the_api(city, hazard, step):
    page = client_for(city).post(reverse(f"hazards:{step}", args=[hazard.pk]))
    assert page.status_code == 403
    api_step = {"lift": "lift-supervision"}.get(step, step)
    api = client_for(city).post(f"/api/v1/hazards/{hazard.pk}/{api_step}/", {})
    assert api.status_code == 403
    hazard.refresh_from_db()
    assert hazard.status == "reported"


def test_city_cannot_report_edit_or_register_anything(city, hazard, school_a):
    client = client_for(city)
    assert client.get(reverse("hazards:report")).status_code == 403
    assert client.get(reverse("hazards:edit", args=[hazard.pk])).status_code == 403
    assert client.get(reverse("schools:update", args=[school_a.pk])).status_code == 403
    assert client.patch(
        f"/api/v1/hazards/{hazard.pk}/", {"description": "改"}, content_type="application/json"
    ).status_code in (403, 404)
    assert (
        client.post(
            "/api/v1/hazards/", {"school": school_a.pk}, content_type="application/json"
        ).status_code
        == 403
    )


def test_a_district_opens_no_city_account_and_a_city_role_needs_a_city_bureau(
    bureau, bureau_admin, city_bureau
):
    with pytest.raises(NotAllowed):
        Membership.objects.open_account(
            bureau_admin, bureau=city_bureau, username="x", full_name="x", role=Role.CITY_ADMIN
        )
    superuser = get_user_model().objects.create_superuser("root", password="x-x-x-x-x-x")
    with pytest.raises(Invalid):
        Membership.objects.open_account(
            superuser, bureau=bureau, username="y", full_name="y", role=Role.CITY_ADMIN
        )
    membership, _password = Membership.objects.open_account(
        superuser, bureau=city_bureau, username="z", full_name="z", role=Role.CITY_VIEWER
    )
    assert membership.is_regional


# ---- the districts side by side ---------------------------------------------------------------


def test_the_overview_puts_the_districts_side_by_side(city, hazard, east, far_school):
    response = client_for(city).get(reverse("regions:overview"), {"year": 2014})
    assert response.status_code == 200
    rows = {r.bureau.name: r for r in response.context["rows"]}
    assert set(rows) == {"清溪区教育局", "东江区教育局"}
    assert (rows["清溪区教育局"].found, rows["清溪区教育局"].open) == (1, 1)
    assert rows["清溪区教育局"].schools == 1
    assert (rows["东江区教育局"].found, rows["东江区教育局"].schools) == (0, 1)
    fire = next(a for a in rows["清溪区教育局"].areas if a["code"] == "fire")
    assert fire["general"] == 1
    assert "远山区" not in response.content.decode()
    # Inspections' coverage in full-width brackets: 0 / 1（0%）
    row = rows["清溪区教育局"]
    assert f"{row.inspected} / {row.schools}（{row.coverage}%）" in response.content.decode()


def test_the_overview_and_the_drill_down_are_the_levels_above(bureau_admin, school_a):
    client = client_for(bureau_admin)
    assert client.get(reverse("regions:overview")).status_code == 403
    district = school_a.bureau.pk
    assert client.get(reverse("regions:district", args=[district])).status_code == 403


def test_drilling_down_shows_the_district_as_its_bureau_sees_it(city, hazard, east, other_bureau):
    client = client_for(city)
    response = client.get(reverse("regions:district", args=[hazard.bureau_id]))
    assert response.status_code == 200
    assert response.context["data"]["schools"] == 1
    assert sum(a["general"] for a in response.context["data"]["by_area"]) == 1
    assert [r["school"].code for r in response.context["schools"]] == ["S001"]
    east_page = client.get(reverse("regions:district", args=[east.pk]))
    assert sum(a["general"] for a in east_page.context["data"]["by_area"]) == 0
    outside = client.get(reverse("regions:district", args=[other_bureau.pk]))
    assert outside.status_code == 404


# ---- the figures of every district, grouped -----------------------------------------------------


def add_districts(city_bureau: Bureau, count: int, first: int = 0) -> list[Bureau]:
    """`count` more districts of the city (numbered from `first`), each with two schools on
    the registry, hazards found in 2014 in several states (an overdue one, a major one under
    supervision, one closed, one rejected) and one of 2013, and August's monthly reports (one
    submitted, one not yet due)."""
    from xiaoan.reports.models import due_date_for

    made = []
    late = datetime.datetime(2014, 9, 1, 12, tzinfo=datetime.UTC)
    areas = list(Area.objects.order_by("code"))
    for n in range(first, first + count):
        region = Region.objects.create(
            code=f"3301{50 + n}",
            name=f"第{n + 1}区",
            level=RegionLevel.DISTRICT,
            parent=city_bureau.region,
        )
        district = Bureau.objects.create(region=region, name=f"第{n + 1}区教育局")
        admin = make_user(f"district{n}", Role.BUREAU_ADMIN, district)
        schools = [
            School.objects.create(
                bureau=district,
                code=f"X{n}{i}",
                name=f"第{n + 1}区第{i + 1}小学",
                kind=SchoolKind.PRIMARY,
                opened_on=LONG_AGO,
            )
            for i in range(2)
        ]
        states = [
            ("reported", HazardLevel.GENERAL, None, False),
            ("rectifying", HazardLevel.GENERAL, datetime.date(2014, 8, 20), False),  # overdue
            ("assigned", HazardLevel.MAJOR, datetime.date(2014, 9, 30), True),
            ("closed", HazardLevel.GENERAL, datetime.date(2014, 8, 1), False),
            ("rejected", HazardLevel.GENERAL, None, False),
        ][: 2 + n % 4]
        for i, (status, level, deadline, supervised) in enumerate(states):
            hazard = Hazard.objects.report(
                school=schools[i % 2],
                area=areas[(n + i) % len(areas)],
                level=level,
                description="通道堵塞",
                reported_by=admin,
                source=HazardSource.INSPECTION,
                found_on=datetime.date(2014, 8, 1 + i),
                backdated=True,
            )
            closed_at = late if status == "closed" else None
            Hazard.objects.filter(pk=hazard.pk).update(
                status=status, deadline=deadline, supervised=supervised, closed_at=closed_at
            )
        Hazard.objects.report(
            school=schools[0],
            area=areas[0],
            level=HazardLevel.GENERAL,
            description="往年",
            reported_by=admin,
            source=HazardSource.INSPECTION,
            found_on=datetime.date(2013, 12, 1),
            backdated=True,
        )
        MonthlyReport.objects.create(
            school=schools[0],
            year=2014,
            month=8,
            due_date=due_date_for(2014, 8),
            status="submitted",
            submitted_at=late,
            first_submitted_at=late,
        )
        made.append(district)
    return made


@pytest.mark.parametrize("kept", [False, True], ids=["counted", "kept less the other years"])
def test_each_district_s_figures_are_those_its_own_functions_give(
    city, city_bureau, hazard, east, kept, monkeypatch
):
    """The grouped figures against the per-district ones the district's dashboard and its
    compliance board use (`by_area`, `compliance_counts`, the hazards' queryset), both when
    the year's hazards are counted and when today's kept counts less the hazards of the
    other years answer (as PostgreSQL chooses when the other years hold fewer)."""
    from xiaoan.core.dates import local_today
    from xiaoan.hazards import counts
    from xiaoan.regions import figures
    from xiaoan.reports.official import compliance_counts
    from xiaoan.reports.stats import by_area

    add_districts(city_bureau, 4)
    counts.rebuild(Bureau.objects.filter(schools__isnull=False).values_list("pk", flat=True))
    monkeypatch.setattr(figures, "fewer_outside", lambda inside, outside: kept)
    today = local_today()
    sent: list[str] = []

    def record(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client_for(city).get(reverse("regions:overview"), {"year": 2014})
    assert any("hazards_hazardcount" in sql for sql in sent) == kept
    rows = response.context["rows"]
    assert len(rows) == 6
    for row in rows:
        mine = Hazard.objects.filter(bureau=row.bureau, found_on__year=2014)
        assert row.found == mine.count()
        assert row.states == {
            status: mine.filter(status=status).count()
            for status in set(mine.values_list("status", flat=True))
        }
        assert (row.open, row.overdue, row.supervised) == (
            mine.open().count(),
            mine.overdue(today).count(),
            mine.open().supervised().count(),
        )
        assert row.areas == by_area(mine)
        months = MonthlyReport.objects.filter(school__bureau=row.bureau, year=2014)
        latest = months.order_by("-month").values_list("month", flat=True).first()
        want = {} if latest is None else compliance_counts(row.bureau.pk, 2014, latest, today)
        assert row.compliance == want
    made = {r.bureau.name: r for r in rows}
    assert (made["第2区教育局"].overdue, made["第3区教育局"].supervised) == (1, 1)
    # August's reports are due on 5 September: one in, the other not yet late.
    assert (made["第1区教育局"].submitted, made["第1区教育局"].compliance["pending"]) == (1, 1)


def queries_of(request) -> int:
    """How many statements `request()` sends to the database."""
    sent = 0

    def count(execute, sql, params, many, context):
        nonlocal sent
        sent += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        request()
    return sent


def test_the_overview_costs_the_same_queries_for_two_districts_as_for_five(
    city, city_bureau, hazard
):
    add_districts(city_bureau, 1)
    client = client_for(city)
    pages = [
        lambda: client.get(reverse("regions:overview"), {"year": 2014}),
        lambda: client.get(reverse("regions:overview"), {"year": 2014, "format": "xlsx"}),
        lambda: client.get(reverse("regions:overview")),
    ]
    for page in pages:
        assert page().status_code == 200  # and past the login's first session save
    two = [queries_of(page) for page in pages]
    assert len(client.get(reverse("regions:overview")).context["rows"]) == 2
    add_districts(city_bureau, 3, first=1)
    assert len(client.get(reverse("regions:overview")).context["rows"]) == 5
    assert [queries_of(page) for page in pages] == two


# ---- campaigns the districts adopt ------------------------------------------------------------


@pytest.fixture
def city_campaign(city, city_bureau) -> Campaign:
    return Campaign.objects.create(
        bureau=city_bureau,
        name="临江市学校安全专项行动",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )


def test_a_city_campaign_starts_and_tells_its_districts_to_adopt_it(
    city, city_campaign, bureau_admin, east_admin, outsider, alice
):
    city_campaign.start(city)
    told = Notification.objects.filter(kind=NotificationKind.CAMPAIGN_TO_ADOPT)
    assert set(told.values_list("recipient__username", flat=True)) == {"bureau", "east"}


def test_a_district_adopts_the_city_campaign_once_and_files_against_its_own(
    city_campaign, bureau_admin, alice, school_a, outsider
):
    assert city_campaign in Campaign.objects.for_user(bureau_admin)
    assert city_campaign not in Campaign.objects.for_user(alice)
    assert city_campaign not in Campaign.objects.for_user(outsider)
    assert city_campaign.allowed_actions(bureau_admin) == ["adopt"]
    response = client_for(bureau_admin).post(reverse("campaigns:adopt", args=[city_campaign.pk]))
    own = Campaign.objects.get(parent=city_campaign)
    assert response.url == reverse("campaigns:edit", args=[own.pk])
    assert (own.bureau_id, own.name, own.status) == (
        school_a.bureau_id,
        city_campaign.name,
        CampaignStatus.PLANNED,
    )
    assert list(own.target_schools()) == [school_a]
    with pytest.raises(Refused):
        city_campaign.adopt(bureau_admin)
    assert "edit" in own.allowed_actions(bureau_admin)


def test_each_level_edits_only_its_own_campaign(city, city_campaign, bureau_admin):
    own = city_campaign.adopt(bureau_admin)
    assert "edit" not in city_campaign.allowed_actions(bureau_admin)
    assert "edit" in city_campaign.allowed_actions(city)
    assert own.allowed_actions(city) == []
    assert client_for(city).get(reverse("campaigns:edit", args=[own.pk])).status_code == 403


def test_the_city_collects_its_districts_summaries_into_one_document(
    city, city_campaign, bureau_admin, east_admin, hazard
):
    own = city_campaign.adopt(bureau_admin)
    Hazard.objects.filter(pk=hazard.pk).update(campaign=own)
    document = collected_summary(city_campaign, city)
    headings = [b.text for b in document.blocks if isinstance(b, Heading)]
    assert headings[0] == "一、清溪区教育局"
    assert headings[-1] == "二、尚未部署的地区"
    overview = next(b for b in document.blocks if isinstance(b, Table))
    assert [row[0] for row in overview.rows] == ["清溪区教育局"]
    assert overview.rows[0][2] == 1  # found
    captions = [b.caption for b in document.blocks if isinstance(b, Table)]
    assert [c.split(" ")[0] for c in captions] == [f"表{n}" for n in range(1, len(captions) + 1)]
    response = client_for(city).get(
        reverse("regions:campaign_summary", args=[city_campaign.pk, "docx"])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    other = client_for(bureau_admin).get(
        reverse("regions:campaign_summary", args=[city_campaign.pk, "docx"])
    )
    assert other.status_code == 403


def test_a_collected_summary_above_the_threshold_is_made_by_a_worker(
    city, city_campaign, bureau_admin, school_a, settings, django_capture_on_commit_callbacks
):
    from xiaoan.core.models import Job
    from xiaoan.core.tests.test_jobs import run_queued_jobs

    city_campaign.adopt(bureau_admin)
    settings.BACKGROUND_DOCUMENT_SCHOOLS = 0
    client = client_for(city)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("regions:campaign_summary", args=[city_campaign.pk, "pdf"]))
    job = Job.objects.get(user=city)
    assert response["Location"] == job.get_absolute_url()
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert job.file.read()[:4] == b"%PDF"
    assert job.filename == f"{city_campaign.name}各地情况总结材料.pdf"


def test_a_collected_summary_of_more_districts_than_a_table_shows_lists_them_all_beside(
    city, city_campaign, bureau_admin, east_admin, hazard, settings
):
    """Above `DOCUMENT_TABLE_ROWS` districts the overview shows those with the most overdue
    hazards and a totals line, and the full list is an .xlsx of its own (the campaign's page
    links it); below, the overview is whole (the test above)."""
    from openpyxl import load_workbook

    from xiaoan.reports.document import listing_note

    Hazard.objects.filter(pk=hazard.pk).update(campaign=city_campaign.adopt(bureau_admin))
    city_campaign.adopt(east_admin)
    settings.DOCUMENT_TABLE_ROWS = 1
    document = collected_summary(city_campaign, city)
    overview = next(b for b in document.blocks if isinstance(b, Table))
    name = "临江市学校安全专项行动各地安全隐患排查整改情况"
    assert overview.note == listing_note(2, "个地区", "逾期未整改隐患最多的", 1, "个", name)
    assert overview.note.startswith("（共2个地区，此处列出逾期未整改隐患最多的1个")
    assert [row[0] for row in overview.rows] == ["清溪区教育局", "合计"]  # its hazard is open
    assert overview.rows[-1][1:7] == [2, 1, 0, 0, 1, 0]
    [attachment] = document.attachments
    assert sorted(row[0] for row in attachment.table.rows) == ["东江区教育局", "清溪区教育局"]
    client = client_for(city)
    page = client.get(reverse("campaigns:detail", args=[city_campaign.pk])).content.decode()
    link = reverse("regions:campaign_summary", args=[city_campaign.pk, "lists"])
    assert link in page
    response = client.get(link)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)] == [
        row[0] for row in attachment.table.rows
    ]
    settings.DOCUMENT_TABLE_ROWS = 2
    page = client.get(reverse("campaigns:detail", args=[city_campaign.pk])).content.decode()
    assert link not in page
    assert client.get(link).status_code == 404


def test_a_large_scope_s_full_lists_are_made_by_a_worker_too(
    city, city_campaign, bureau_admin, east_admin, settings, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    from xiaoan.core.models import Job
    from xiaoan.core.tests.test_jobs import run_queued_jobs

    city_campaign.adopt(bureau_admin)
    city_campaign.adopt(east_admin)
    settings.DOCUMENT_TABLE_ROWS = 1
    settings.BACKGROUND_DOCUMENT_SCHOOLS = 0
    link = reverse("regions:campaign_summary", args=[city_campaign.pk, "lists"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(city).get(link)
    job = Job.objects.get(user=city)
    assert response["Location"] == job.get_absolute_url()
    assert job.title == f"{city_campaign.name}各地情况总结材料（完整名单）"
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert job.filename == f"{city_campaign.name}各地安全隐患排查整改情况.xlsx"
    assert load_workbook(io.BytesIO(job.file.read())).active.max_row == 2 + 2


def test_every_api_row_the_city_reads_offers_no_step(city, hazard, alice):
    """The lists with workflow steps: each row's `allowed_actions` is empty for the city."""
    MonthlyReport.start(alice, 2014, 8)
    campaign = Campaign.objects.create(
        bureau=hazard.bureau,
        name="清溪区专项行动",
        start_date=datetime.date(2014, 7, 1),
        end_date=datetime.date(2014, 12, 31),
    )
    campaign.plan_for(hazard.school)
    client = client_for(city)
    for path in ("hazards", "monthly-reports", "campaigns", "work-plans"):
        rows = client.get(f"/api/v1/{path}/").json()["results"]
        assert rows, path
        assert all(row["allowed_actions"] == [] for row in rows), path


def test_the_overview_exports_its_table_to_excel(city, hazard, east):
    from openpyxl import load_workbook

    response = client_for(city).get(reverse("regions:overview"), {"year": 2014, "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    # In the order of the districts' codes: 东江区 330102, 清溪区 330199.
    assert [r[:4] for r in rows] == [["东江区教育局", 1, 0, 0], ["清溪区教育局", 1, 1, 1]]


def test_the_city_home_page_opens_on_its_districts(city, school_a):
    response = client_for(city).get(reverse("home"))
    button = f'<a class="btn btn-primary" href="{reverse("regions:overview")}">'
    assert button in response.content.decode()


def test_a_district_adopts_the_city_campaign_over_the_api(city_campaign, bureau_admin, city):
    refused = client_for(city).post(f"/api/v1/campaigns/{city_campaign.pk}/adopt/")
    assert refused.status_code == 403
    response = client_for(bureau_admin).post(f"/api/v1/campaigns/{city_campaign.pk}/adopt/")
    assert response.status_code == 201
    assert (response.json()["parent"], response.json()["status"]) == (city_campaign.pk, "planned")
    again = client_for(bureau_admin).post(f"/api/v1/campaigns/{city_campaign.pk}/adopt/")
    assert again.status_code == 409


def test_collecting_issued_summaries_costs_the_same_queries_for_two_districts_as_for_five(
    city, city_bureau, city_campaign
):
    """Each district's issued summary is read in one query for all of them (a summary still
    to be drafted from a district's ledger costs that district's own figures)."""
    from xiaoan.reports import official
    from xiaoan.reports.choices import OfficialKind

    def adopt_and_issue(districts: list[Bureau]) -> None:
        for district in districts:
            admin = Membership.objects.get(bureau=district, role=Role.BUREAU_ADMIN).user
            own = city_campaign.adopt(admin)
            report = official.generate(
                OfficialKind.CAMPAIGN_SUMMARY, district, campaign=own, user=admin
            )
            report.issue(admin, confirm_changed_figures=True)

    def collect() -> Any:
        # As a request: the user read again, whose reach is looked up once.
        return collected_summary(city_campaign, get_user_model().objects.get(pk=city.pk))

    adopt_and_issue(add_districts(city_bureau, 2))
    two = queries_of(collect)
    adopt_and_issue(add_districts(city_bureau, 3, first=2))
    five = queries_of(collect)
    assert five == two
    document = collect()
    headings = [b.text for b in document.blocks if isinstance(b, Heading) and b.level == 1]
    assert len(headings) == 5 + 1  # and the districts that did not adopt it (清溪区)
    assert "（该地区尚未印发情况总结材料，以下据台账生成。）" not in str(document.blocks)
