"""The demo district of the seed: 37 schools (3 for migrant workers' children), 42 childcare
institutions, the bureau and its sections, the partner departments and the demo accounts.

Idempotent: every row is found by its natural key and updated, never duplicated.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from xiaoan.accounts.choices import Role
from xiaoan.accounts.models import Membership

from .choices import DepartmentKind, RegionLevel, SchoolKind
from .models import Bureau, BureauSection, Department, Region, School

DEMO_PASSWORD = "xiaoan2014"
DISTRICT_CODE = "330199"

SECTIONS = [
    ("安全科", True),
    ("基础教育科", False),
    ("人事科", False),
    ("装备科", False),
    ("办公室", False),
]
DEPARTMENTS = [
    ("清溪区交警大队", DepartmentKind.TRAFFIC_POLICE),
    ("清溪区消防大队", DepartmentKind.FIRE),
    ("清溪区市场监督管理局（食品安全）", DepartmentKind.FOOD),
    ("清溪区质量技术监督局", DepartmentKind.QUALITY),
    ("清溪公安分局治安大队", DepartmentKind.PUBLIC_SECURITY),
    ("清溪区卫生健康局", DepartmentKind.HEALTH),
    ("清溪区综治办", DepartmentKind.GOVERNANCE),
    ("白鹭镇人民政府", DepartmentKind.TOWN),
]
PLACES = [
    "清溪",
    "白鹭",
    "梅林",
    "东湖",
    "西塘",
    "南山",
    "北岸",
    "凤凰",
    "柳营",
    "桃源",
    "石桥",
    "永宁",
    "双溪",
    "文昌",
    "龙潭",
    "青云",
    "新港",
    "长乐",
    "安澜",
    "金沙",
    "玉泉",
    "临江",
    "杏花",
    "枫桥",
    "云溪",
    "湖滨",
    "春晖",
    "明德",
    "育英",
    "望湖",
    "竹园",
    "荷花",
    "紫荆",
    "银杏",
    "碧水",
    "丰收",
    "和平",
    "朝阳",
    "光明",
    "星河",
    "晨曦",
    "阳光",
]
PRINCIPALS = [
    "王建国",
    "李秀英",
    "张伟",
    "刘芳",
    "陈静",
    "杨洋",
    "赵磊",
    "黄敏",
    "周强",
    "吴丽",
    "徐军",
    "孙燕",
    "胡斌",
    "朱红",
    "高峰",
    "林琳",
    "何勇",
    "郭霞",
    "马超",
    "罗兰",
]

# 37 primary and secondary schools; S001 and S002 come first for the demo accounts.
SCHOOLS: list[tuple[str, SchoolKind]] = (
    [("清溪区实验小学", SchoolKind.PRIMARY), ("清溪区第一中学", SchoolKind.JUNIOR)]
    + [(f"清溪区{p}小学", SchoolKind.PRIMARY) for p in PLACES[1:20]]
    + [(f"清溪区{p}中学", SchoolKind.JUNIOR) for p in PLACES[20:27]]
    + [(f"清溪区{p}学校", SchoolKind.NINE_YEAR) for p in PLACES[27:30]]
    + [
        ("清溪区高级中学", SchoolKind.SENIOR),
        ("清溪区第二高级中学", SchoolKind.SENIOR),
        ("清溪区职业技术学校", SchoolKind.VOCATIONAL),
    ]
    + [
        ("清溪区启航民工子弟学校", SchoolKind.MIGRANT),
        ("清溪区育才民工子弟学校", SchoolKind.MIGRANT),
        ("清溪区新希望民工子弟学校", SchoolKind.MIGRANT),
    ]
)
KINDERGARTENS: list[str] = (
    ["清溪区中心幼儿园", "清溪区实验幼儿园"]
    + [f"清溪区{p}幼儿园" for p in PLACES[:32]]
    + [f"清溪区{p}托育园" for p in PLACES[32:40]]
)


# The schools that run their own canteen (15): S001, S002 and every junior, nine-year, senior
# and vocational school; the other primaries and the kindergartens are supplied from outside.
CANTEEN_KINDS = (SchoolKind.JUNIOR, SchoolKind.NINE_YEAR, SchoolKind.SENIOR, SchoolKind.VOCATIONAL)


def demo_bureau() -> Bureau:
    return Bureau.objects.get(region__code=DISTRICT_CODE)


def load() -> None:
    with transaction.atomic():
        bureau = _organisations()
        _schools(bureau)
        _accounts(bureau)


def _organisations() -> Bureau:
    province, _ = Region.objects.update_or_create(
        code="330000", defaults={"name": "浙江省", "level": RegionLevel.PROVINCE}
    )
    city, _ = Region.objects.update_or_create(
        code="330100", defaults={"name": "临江市", "level": RegionLevel.CITY, "parent": province}
    )
    district, _ = Region.objects.update_or_create(
        code=DISTRICT_CODE,
        defaults={"name": "清溪区", "level": RegionLevel.DISTRICT, "parent": city},
    )
    bureau, _ = Bureau.objects.update_or_create(
        region=district, defaults={"name": "清溪区教育局", "short_name": "区教育局"}
    )
    for name, is_safety in SECTIONS:
        BureauSection.objects.update_or_create(
            bureau=bureau, name=name, defaults={"is_safety_section": is_safety}
        )
    for name, kind in DEPARTMENTS:
        Department.objects.update_or_create(bureau=bureau, name=name, defaults={"kind": kind})
    return bureau


def _schools(bureau: Bureau) -> None:
    entries = [(name, kind) for name, kind in SCHOOLS]
    entries += [(name, SchoolKind.KINDERGARTEN) for name in KINDERGARTENS]
    assert len(SCHOOLS) == 37 and len(KINDERGARTENS) == 42
    for index, (name, kind) in enumerate(entries, start=1):
        childcare = kind == SchoolKind.KINDERGARTEN
        School.objects.update_or_create(
            bureau=bureau,
            code=f"S{index:03d}",
            defaults={
                "name": name,
                "kind": kind,
                "address": f"清溪区{PLACES[index % len(PLACES)]}路{(index * 7) % 300 + 1}号",
                "principal": PRINCIPALS[index % len(PRINCIPALS)],
                "phone": f"0571-8{index:03d}{(index * 37) % 10000:04d}",
                "enrolment": 120 + (index * 53) % 260 if childcare else 400 + (index * 131) % 1800,
                "boarding": kind in (SchoolKind.SENIOR, SchoolKind.VOCATIONAL),
                "canteen": index <= 2 or kind in CANTEEN_KINDS,
                "private": kind == SchoolKind.MIGRANT or (childcare and index % 3 == 0),
                # On the registry long before the 2014 campaign, so its figures count them all.
                "opened_on": datetime.date(1978 + index % 30, 9, 1),
            },
        )


def _accounts(bureau: Bureau) -> None:
    safety = BureauSection.objects.get(bureau=bureau, is_safety_section=True)
    fire = Department.objects.get(bureau=bureau, kind=DepartmentKind.FIRE)
    schools = {s.code: s for s in School.objects.filter(bureau=bureau, code__in=["S001", "S002"])}
    accounts: list[tuple[str, str, Role, dict[str, Any]]] = [
        ("bureau", "陈安全", Role.BUREAU_ADMIN, {"section": safety}),
        ("leader", "周局长", Role.BUREAU_LEADER, {}),
        ("gov", "区政府督查室", Role.GOV_VIEWER, {}),
        ("fire", "消防大队 林监督员", Role.DEPT_INSPECTOR, {"department": fire}),
        (
            "school001",
            f"{schools['S001'].principal}",
            Role.SCHOOL_ADMIN,
            {"school": schools["S001"]},
        ),
        (
            "school002",
            f"{schools['S002'].principal}",
            Role.SCHOOL_ADMIN,
            {"school": schools["S002"]},
        ),
        # A gate keeper of S001: reports hazards, keeps the visitor and duty logs.
        ("staff001", "王门卫", Role.SCHOOL_STAFF, {"school": schools["S001"]}),
    ]
    User = get_user_model()
    for username, full_name, role, orgs in accounts:
        user, created = User.objects.get_or_create(username=username)
        user.first_name = full_name
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
        user.save()
        Membership.objects.update_or_create(
            user=user,
            defaults={
                "role": role,
                "bureau": bureau,
                "section": orgs.get("section"),
                "department": orgs.get("department"),
                "school": orgs.get("school"),
            },
        )
