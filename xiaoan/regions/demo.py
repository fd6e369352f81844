"""The demo city: 临江市 over the demo district 清溪区 and a second, small district 东江区.

The city's bureau (login `city`, a city_admin) starts the city's 2014 campaign; the demo
district's campaign follows it, and 东江区 (login `bureau2`, its safety section) adopts it
too. 东江区 has six schools, a dozen hazards taken through the workflow as in 2014 and the
monthly reports of September to December 2014 (one missing, one late).

Idempotent and quick: everything is found by its natural key; the hazards and reports of the
second district are made once.
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from xiaoan.accounts.choices import Role
from xiaoan.accounts.models import Membership
from xiaoan.campaigns.choices import CampaignStatus
from xiaoan.campaigns.demo import demo_campaign
from xiaoan.campaigns.models import Campaign
from xiaoan.core.dates import replaying
from xiaoan.hazards.choices import HazardLevel, HazardSource
from xiaoan.hazards.models import Area, Hazard
from xiaoan.reports import monthend
from xiaoan.reports.choices import MonthlyStatus
from xiaoan.reports.compile import school_month_figures
from xiaoan.reports.models import MonthlyReport, due_date_for
from xiaoan.schools.choices import RegionLevel, SchoolKind
from xiaoan.schools.demo import DEMO_PASSWORD
from xiaoan.schools.models import Bureau, BureauSection, Region, School

ZONE = ZoneInfo("Asia/Shanghai")
CITY_CODE = "330100"
SECOND_CODE = "330102"
CITY_CAMPAIGN = "2014年临江市教育系统学校安全专项行动"
SECOND_SCHOOLS = [
    ("D001", "东江区实验小学", SchoolKind.PRIMARY),
    ("D002", "东江区第一中学", SchoolKind.JUNIOR),
    ("D003", "东江区滨江小学", SchoolKind.PRIMARY),
    ("D004", "东江区职业技术学校", SchoolKind.VOCATIONAL),
    ("D005", "东江区中心幼儿园", SchoolKind.KINDERGARTEN),
    ("D006", "东江区阳光幼儿园", SchoolKind.KINDERGARTEN),
]
# (school, area, description, location, level, found on, state): the state it reaches.
SECOND_HAZARDS = [
    ("D001", "fire", "教学楼疏散指示标志损坏", "教学楼二楼走廊", "general", (8, 20), "rectifying"),
    ("D001", "building", "围墙局部开裂", "学校东侧围墙", "major", (9, 3), "assigned"),
    ("D002", "lab", "危险化学品未落实双人双锁管理", "化学药品室", "general", (9, 12), "assigned"),
    ("D002", "food", "食品留样不足48小时", "食堂留样柜", "general", (9, 25), "rectifying"),
    ("D002", "security", "监控探头损坏，存在盲区", "校园北侧围墙", "general", (10, 8), "reported"),
    ("D003", "vehicle", "接送车辆年检过期", "校门口接送点", "major", (10, 15), "assigned"),
    ("D003", "fire", "灭火器压力不足", "学生宿舍一楼", "general", (10, 22), "rejected"),
    ("D004", "building", "实训楼屋面渗漏", "实训楼三楼", "general", (11, 5), "rectifying"),
    ("D004", "fire", "配电房堆放杂物", "配电房", "general", (11, 12), "reported"),
    ("D005", "food", "从业人员健康证过期", "幼儿园厨房", "general", (11, 20), "assigned"),
    ("D006", "security", "门卫室外来人员登记不全", "幼儿园大门", "general", (12, 2), "reported"),
    ("D006", "building", "大型玩具固定螺栓松动", "户外活动场地", "general", (12, 10), "assigned"),
]
CITY_DESCRIPTION = (
    "临江市教育局部署全市教育系统开展学校安全专项行动。各区（县）教育局承接部署，制定本地区"
    "工作方案，组织所辖学校对照专项整治六块内容全面开展隐患排查与整治，按月报送进展情况。"
)
MONTHS = [(2014, 9), (2014, 10), (2014, 11), (2014, 12)]
MISSING = ("D006", 2014, 11)
LATE = ("D004", 2014, 10)


def load() -> None:
    with transaction.atomic():
        city = _bureau(Region.objects.get(code=CITY_CODE), "临江市教育局", "市教育局")
        _account("city", "市教育局 许安全", Role.CITY_ADMIN, city)
        second = _second_district()
        officer = _account("bureau2", "东江区教育局 郑安全", Role.BUREAU_ADMIN, second)
        campaign = _city_campaign(city)
        _follow(campaign, officer)
        if not Hazard.objects.filter(bureau=second).exists():
            _hazards(second, officer, campaign)
        _monthly_reports(second, officer)
    # Its month-end figures, as for the first district (`reports.demo`).
    monthend.rebuild([second.pk])


def _bureau(region: Region, name: str, short_name: str) -> Bureau:
    bureau, _ = Bureau.objects.update_or_create(
        region=region, defaults={"name": name, "short_name": short_name}
    )
    BureauSection.objects.update_or_create(
        bureau=bureau, name="安全科", defaults={"is_safety_section": True}
    )
    return bureau


def _account(username: str, full_name: str, role: str, bureau: Bureau, **orgs: Any) -> Any:
    user, created = get_user_model().objects.get_or_create(username=username)
    user.first_name = full_name
    if created or not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
    user.save()
    if "school" not in orgs:
        orgs["section"] = BureauSection.objects.get(bureau=bureau, is_safety_section=True)
    Membership.objects.update_or_create(
        user=user, defaults={"role": role, "bureau": bureau, **orgs}
    )
    return user


def _second_district() -> Bureau:
    region, _ = Region.objects.update_or_create(
        code=SECOND_CODE,
        defaults={
            "name": "东江区",
            "level": RegionLevel.DISTRICT,
            "parent": Region.objects.get(code=CITY_CODE),
        },
    )
    bureau = _bureau(region, "东江区教育局", "区教育局")
    for index, (code, name, kind) in enumerate(SECOND_SCHOOLS, start=1):
        school, _ = School.objects.update_or_create(
            bureau=bureau,
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "address": f"东江区滨江路{index * 11}号",
                "principal": ["孙志刚", "钱美玲", "冯海涛", "韩雪", "唐丽", "曹颖"][index - 1],
                "enrolment": 300 + index * 97 if kind != SchoolKind.KINDERGARTEN else 180,
                "opened_on": datetime.date(1990 + index, 9, 1),
            },
        )
        _account(
            school.admin_username(), school.principal, Role.SCHOOL_ADMIN, bureau, school=school
        )
    return bureau


def _city_campaign(city: Bureau) -> Campaign:
    campaign, _ = Campaign.objects.update_or_create(
        bureau=city,
        name=CITY_CAMPAIGN,
        defaults={
            "start_date": datetime.date(2014, 7, 1),
            "end_date": datetime.date(2014, 12, 31),
            "status": CampaignStatus.RUNNING,
            "notice_title": "临江市教育局关于开展2014年学校安全专项行动的通知",
            "description": CITY_DESCRIPTION,
        },
    )
    campaign.focus_areas.set(Area.objects.all())
    # The demo district's campaign follows the city's.
    Campaign.objects.filter(pk=demo_campaign().pk).update(parent=campaign)
    return campaign


def _follow(campaign: Campaign, officer: Any) -> Campaign:
    """东江区 adopts the city's campaign and starts its own (as in July 2014)."""
    own = campaign.adoptions.filter(bureau__region__code=SECOND_CODE).first()
    if own is None:
        with replaying(datetime.date(2014, 7, 10)):
            own = campaign.adopt(officer)
            own.start(officer)
    return own


def _hazards(bureau: Bureau, officer: Any, city_campaign: Campaign) -> None:
    campaign = city_campaign.adoptions.get(bureau=bureau)
    schools = {s.code: s for s in School.objects.filter(bureau=bureau)}
    admins = {
        m.school_id: m.user for m in Membership.objects.filter(bureau=bureau, school__isnull=False)
    }
    areas = {a.code: a for a in Area.objects.all()}
    for code, area, text, place, level, (month, day), state in SECOND_HAZARDS:
        found_on = datetime.date(2014, month, day)
        school = schools[code]
        with replaying(found_on):
            hazard = Hazard.objects.report(
                school=school,
                area=areas[area],
                level=HazardLevel.MAJOR if level == "major" else HazardLevel.GENERAL,
                description=text,
                location=place,
                found_on=found_on,
                source=HazardSource.INSPECTION,
                campaign=campaign,
                reported_by=officer,
            )
            if state == "rejected":
                hazard.reject(officer, reason="经现场核实，压力正常，不属实")
                continue
            if state == "reported":
                continue
            # Deadlines in 2014: the open ones are overdue today, as the ledger would show.
            deadline = found_on + datetime.timedelta(days=30 if level == "major" else 14)
            hazard.assign(
                officer, opinion="限期整改到位，整改完成后报区教育局复查", deadline=deadline
            )
            if state == "rectifying":
                hazard.start(admins[school.pk], comment="已组织人员开展整改")


def _monthly_reports(bureau: Bureau, officer: Any) -> None:
    admins = {
        m.school_id: m.user for m in Membership.objects.filter(bureau=bureau, school__isnull=False)
    }
    for school in School.objects.filter(bureau=bureau).order_by("code"):
        for year, month in MONTHS:
            if (school.code, year, month) == MISSING:
                continue
            if MonthlyReport.objects.filter(school=school, year=year, month=month).exists():
                continue
            due = due_date_for(year, month)
            late = (school.code, year, month) == LATE
            day = due + datetime.timedelta(days=3) if late else due - datetime.timedelta(days=1)
            submitted = datetime.datetime(day.year, day.month, day.day, 10, tzinfo=ZONE)
            figures = school_month_figures(school, year, month)
            MonthlyReport.objects.create(
                school=school,
                year=year,
                month=month,
                due_date=due,
                figures=figures,
                is_nil=figures["nil"],
                compiled_at=submitted,
                status=MonthlyStatus.ACCEPTED,
                narrative="本月隐患排查整改情况见附表。",
                submitted_at=submitted,
                first_submitted_at=submitted,
                submitted_by=admins.get(school.pk),
                reviewed_at=submitted + datetime.timedelta(days=2),
                reviewed_by=officer,
            )
