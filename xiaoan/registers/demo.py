"""The registers of the seed's demo district (seed §7).

2014: 7 new campus police rooms, 118 auxiliary police, 3.5 million yuan for physical and
technical defence; pick-up vehicles at the 23 surveyed schools and kindergartens (the 3
migrant-worker schools among them); parent escort teams at 2 urban pilot schools; drowning-
prevention activities with the special groups; 24-hour duty rosters; visitor logs at S001/S002.

Idempotent: each part is skipped when its first row exists; fixed seed, so the same every run.
"""

from __future__ import annotations

import datetime
import io
import random
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from xiaoan.schools.choices import SchoolKind
from xiaoan.schools.demo import PRINCIPALS, demo_bureau
from xiaoan.schools.models import School

from . import identity
from .choices import (
    ActivityKind,
    CertificateKind,
    DrillPeriod,
    DrillScenario,
    DutyLogKind,
    EquipmentKind,
    IdType,
    IncidentKind,
    LetterLevel,
    LicenceClass,
    Meal,
    Severity,
    SpecialGroupKind,
    StaffKind,
)
from .models import (
    AccompanyingMeal,
    Acknowledgement,
    DefenceFunding,
    Drill,
    DrillPhoto,
    DrillRule,
    Driver,
    DutyLogEntry,
    DutyShift,
    EmergencyPlan,
    Equipment,
    EscortShift,
    EscortTeam,
    FoodSample,
    Incident,
    MorningCheck,
    Patrol,
    PatrolPoint,
    PatrolRoute,
    PoliceRoom,
    PreDepartureCheck,
    ResponsibilityLetter,
    Route,
    SafetyActivity,
    SecurityStaff,
    SpecialGroupChild,
    SupplierCertificate,
    SurroundingsCheck,
    Vehicle,
    Visitor,
    WatchListEntry,
)

TZ = ZoneInfo("Asia/Shanghai")
YEAR = 2014
# The vehicles, drivers and children on the registers since the spring term of 2014, so the
# year's figures count them as the seed does.
IN_SERVICE_FROM = datetime.date(YEAR, 2, 17)
NEW_POLICE_ROOMS = 7
AUXILIARY_POLICE = 118
FUNDING_TOTAL = Decimal("3500000")
FUNDED_SCHOOLS = 14
SURVEYED_VEHICLE_SCHOOLS = 23
PILOT_SCHOOLS = ("S001", "S002")
DUTY_DAY = datetime.date(2014, 9, 1)
# Three schools whose night duty was not rostered on the demo day: the gaps the bureau sees.
SCHOOLS_WITH_GAPS = ("S010", "S020", "S030")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "芳", "军", "敏", "静", "磊", "洋", "勇", "艳", "杰", "涛", "明", "霞", "强", "平"]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN])


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


def resident_id(rng: random.Random, birth: datetime.date) -> str:
    """A well-formed (checksummed) demo ID number from the district's region code."""
    body = f"330199{birth:%Y%m%d}{rng.randint(100, 999)}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def load() -> None:
    bureau = demo_bureau()
    schools = list(School.objects.filter(bureau=bureau).order_by("code"))
    by_code = {s.code: s for s in schools}
    main = [s for s in schools if s.kind != SchoolKind.KINDERGARTEN]
    rng = random.Random(2014)
    with transaction.atomic():
        _security(main, rng)
        _duty(main, rng)
        _visitors(by_code, rng)
        _vehicles(schools, rng)
        _escort_teams(by_code)
        _education(main, rng)
        _surroundings(main, bureau)
        _incidents(by_code)
        _letters(schools, bureau, rng)
        _patrols(by_code)
        _drills(schools, bureau)
        _food([s for s in schools if s.canteen], rng)
        _papers(schools, bureau)


def _security(main: list[School], rng: random.Random) -> None:
    if PoliceRoom.objects.filter(school=main[0]).exists():
        return
    for index, school in enumerate(main[:NEW_POLICE_ROOMS]):
        PoliceRoom.objects.create(
            school=school,
            name=f"{school.name}警务室",
            police_station="清溪公安分局",
            officer=_name(rng),
            established_on=datetime.date(YEAR, 3 + index, 15),
        )
    # Rooms from before the campaign: part of the totals, not of the year's new ones.
    for school in main[-5:-3]:
        PoliceRoom.objects.create(
            school=school,
            name=f"{school.name}警务室",
            police_station="清溪公安分局",
            officer=_name(rng),
            established_on=datetime.date(2012, 9, 1),
        )
    staff = []
    for index in range(AUXILIARY_POLICE):
        school = main[index % len(main)]
        staff.append(
            SecurityStaff(
                school=school,
                name=_name(rng),
                kind=StaffKind.AUXILIARY,
                post=rng.choice(["校门岗", "巡逻岗", "监控室"]),
                since=datetime.date(YEAR, 3, 1),
            )
        )
    for school in main:
        staff.append(
            SecurityStaff(
                school=school,
                name=_name(rng),
                kind=StaffKind.GUARD,
                post="门卫",
                since=datetime.date(2010 + rng.randint(0, 3), 9, 1),
            )
        )
    SecurityStaff.objects.bulk_create(staff)
    share = FUNDING_TOTAL / FUNDED_SCHOOLS
    funding, equipment = [], []
    for school in main[:FUNDED_SCHOOLS]:
        funding.append(
            DefenceFunding(
                school=school,
                year=YEAR,
                amount=share,
                purpose="视频监控、一键报警及校门防冲撞设施",
            )
        )
        equipment += [
            Equipment(
                school=school,
                name="高清视频监控探头",
                kind=EquipmentKind.TECHNICAL,
                quantity=rng.randint(16, 64),
                installed_on=datetime.date(YEAR, 8, 20),
            ),
            Equipment(
                school=school,
                name="一键报警装置",
                kind=EquipmentKind.TECHNICAL,
                quantity=1,
                installed_on=datetime.date(YEAR, 8, 20),
            ),
            Equipment(
                school=school,
                name="校门防冲撞隔离桩",
                kind=EquipmentKind.PHYSICAL,
                quantity=rng.randint(6, 12),
                installed_on=datetime.date(YEAR, 8, 25),
            ),
        ]
    DefenceFunding.objects.bulk_create(funding)
    Equipment.objects.bulk_create(equipment)


def _duty(main: list[School], rng: random.Random) -> None:
    if DutyShift.objects.filter(school=main[0]).exists():
        return
    shifts = []
    for school in main:
        day_shifts = [(8, 17, True), (17, 24, False), (0, 8, False)]
        if school.code in SCHOOLS_WITH_GAPS:
            day_shifts = day_shifts[:2]  # nobody rostered from midnight to 8 o'clock
        for start, end, leader in day_shifts:
            begin = _at(DUTY_DAY, start)
            finish = _at(DUTY_DAY, 0) + datetime.timedelta(hours=end)
            shifts.append(
                DutyShift(
                    school=school,
                    person=_name(rng),
                    phone=f"139{rng.randint(10000000, 99999999)}",
                    is_leader=leader,
                    starts_at=begin,
                    ends_at=finish,
                )
            )
    DutyShift.objects.bulk_create(shifts)
    for shift in DutyShift.objects.filter(school__in=main[:2]).order_by("starts_at"):
        DutyLogEntry.objects.create(
            school=shift.school,
            shift=shift,
            kind=DutyLogKind.PATROL,
            occurred_at=shift.starts_at + datetime.timedelta(hours=2),
            content="巡查教学楼、宿舍及校园周界，门窗水电正常。",
        )
        DutyLogEntry.objects.create(
            school=shift.school,
            shift=shift,
            kind=DutyLogKind.HANDOVER,
            occurred_at=shift.ends_at - datetime.timedelta(minutes=10),
            content="交接班：无异常情况，钥匙及值班记录已交接。",
        )


def _visitors(by_code: dict[str, School], rng: random.Random) -> None:
    s1, s2 = by_code["S001"], by_code["S002"]
    if Visitor.objects.filter(school=s1).exists():
        return
    watched = WatchListEntry(school=s1, name="赵某某", reason="法院禁止令：不得接近学生")
    watched.set_id_number(resident_id(rng, datetime.date(1980, 5, 6)))
    watched.save()
    purposes = [
        ("区疾控中心", "学校卫生检查"),
        ("家长", "接孩子看病"),
        ("城建公司", "维修校舍屋面"),
        ("快递公司", "送教学用品"),
        ("区教育局", "开学工作检查"),
        ("食品供应商", "配送食材"),
    ]
    for school in (s1, s2):
        for day in (DUTY_DAY, DUTY_DAY + datetime.timedelta(days=1)):
            for n in range(5):
                org, purpose = purposes[(n + day.day) % len(purposes)]
                came = _at(day, 8 + 2 * n, rng.randint(0, 59))
                number = resident_id(
                    rng,
                    datetime.date(rng.randint(1960, 1995), rng.randint(1, 12), rng.randint(1, 28)),
                )
                Visitor.objects.create(
                    school=school,
                    name=_name(rng),
                    id_type=IdType.RESIDENT,
                    id_masked=identity.mask(number),
                    id_encrypted=identity.encrypt(number),
                    id_digest=identity.digest(number),
                    organisation=org,
                    purpose=purpose,
                    host=school.principal,
                    entered_at=came,
                    left_at=came + datetime.timedelta(minutes=rng.randint(20, 90)),
                )
        Visitor.objects.create(
            school=school,
            name=_name(rng),
            id_type=IdType.RESIDENT,
            id_masked="330199********0000",
            id_digest="",
            organisation="",
            purpose="推销商品",
            entered_at=_at(DUTY_DAY, 15, 5),
            refused=True,
            refusal_reason="无正当事由，谢绝入校",
        )


def _vehicles(schools: list[School], rng: random.Random) -> None:
    if Vehicle.objects.filter(school__in=schools).exists():
        return
    migrant = [s for s in schools if s.kind == SchoolKind.MIGRANT]
    kindergartens = [s for s in schools if s.kind == SchoolKind.KINDERGARTEN][:6]
    others = [s for s in schools if s not in migrant and s.kind != SchoolKind.KINDERGARTEN]
    surveyed = (migrant + kindergartens + others)[:SURVEYED_VEHICLE_SCHOOLS]
    for index, school in enumerate(surveyed, start=1):
        seats = 19 if school.kind == SchoolKind.KINDERGARTEN else 35
        # A few papers fall due around the end of the year, for the reminders.
        due = datetime.date(YEAR, 12, 10) + datetime.timedelta(days=index * 9)
        vehicle = Vehicle.objects.create(
            school=school,
            plate=f"浙A{10000 + index * 37:05d}",
            seats=seats,
            owner="清溪客运有限公司" if index % 2 else school.name,
            bus_licence_no=f"校车标牌{YEAR}-{index:03d}",
            inspection_due=due,
            insurance_due=datetime.date(YEAR + 1, 3, 1) + datetime.timedelta(days=index * 5),
            active_from=IN_SERVICE_FROM,
        )
        driver = Driver.objects.create(
            school=school,
            name=_name(rng),
            vehicle=vehicle,
            licence_no=f"3301{rng.randint(10**9, 10**10 - 1)}",
            licence_class=rng.choice(LicenceClass.school_bus_classes()),
            licence_valid_until=datetime.date(YEAR + 2 + index % 4, 6, 30),
            birth_date=datetime.date(1965 + index % 20, 1 + index % 12, 10),
            driving_years=8 + index % 15,
            active_from=IN_SERVICE_FROM,
        )
        Route.objects.create(
            school=school,
            name=f"{school.name[3:]}{index}号线",
            vehicle=vehicle,
            driver=driver,
            escort=_name(rng),
            stops="07:00 村委会\n07:15 镇中心站\n07:35 学校",
            students=min(seats - 1, 15 + index),
        )
        PreDepartureCheck.objects.create(
            school=school,
            vehicle=vehicle,
            checked_on=DUTY_DAY,
            checked_by=driver.name,
        )


def _escort_teams(by_code: dict[str, School]) -> None:
    if EscortTeam.objects.filter(
        school__code__in=PILOT_SCHOOLS, school__bureau=by_code["S001"].bureau
    ).exists():
        return
    for code, members in zip(PILOT_SCHOOLS, (40, 36), strict=True):
        school = by_code[code]
        team = EscortTeam.objects.create(
            school=school,
            name=f"{school.name}家长护导队",
            leader=PRINCIPALS[len(code)],
            members=members,
            founded_on=datetime.date(YEAR, 9, 1),
            is_pilot=True,
        )
        for offset in range(5):
            EscortShift.objects.create(
                school=school,
                team=team,
                day=datetime.date(YEAR, 9, 1 + offset),
                post="校门口及斑马线",
                parents=6,
            )


def _education(main: list[School], rng: random.Random) -> None:
    if SafetyActivity.objects.filter(school=main[0]).exists():
        return
    activities, acks, children = [], [], []
    for index, school in enumerate(main):
        migrant = school.kind == SchoolKind.MIGRANT
        activities.append(
            SafetyActivity(
                school=school,
                kind=ActivityKind.DROWNING,
                held_on=datetime.date(YEAR, 6, 20 + index % 8),
                title="珍爱生命 预防溺水 主题班会及家长会",
                audience="全体学生及家长",
                participants=school.enrolment,
                home_school_contact=True,
                special_groups=True,
            )
        )
        activities.append(
            SafetyActivity(
                school=school,
                kind=ActivityKind.EDUCATION,
                held_on=datetime.date(YEAR, 9, 2),
                title="开学第一课：安全教育",
                audience="全体学生",
                participants=school.enrolment,
            )
        )
        for grade in range(1, 4):
            students = 40 + rng.randint(0, 8)
            acks.append(
                Acknowledgement(
                    school=school,
                    class_name=f"{grade}年级1班",
                    signed_on=datetime.date(YEAR, 6, 27),
                    students=students,
                    acknowledged=students - rng.randint(0, 2),
                )
            )
        count = 12 if migrant else (4 if index < 10 else 0)
        for n in range(count):
            children.append(
                SpecialGroupChild(
                    school=school,
                    name=_name(rng),
                    class_name=f"{1 + n % 6}年级{1 + n % 3}班",
                    kind=SpecialGroupKind.MIGRANT
                    if migrant or n % 2
                    else SpecialGroupKind.LEFT_BEHIND,
                    guardian=_name(rng),
                    guardian_phone=f"138{rng.randint(10000000, 99999999)}",
                    caring_teacher=_name(rng),
                    active_from=IN_SERVICE_FROM,
                )
            )
    SafetyActivity.objects.bulk_create(activities)
    Acknowledgement.objects.bulk_create(acks)
    SpecialGroupChild.objects.bulk_create(children)


def _surroundings(main: list[School], bureau: Any) -> None:
    if SurroundingsCheck.objects.filter(school=main[0]).exists():
        return
    governance = bureau.departments.filter(name__contains="综治").first()
    checks = []
    for index, school in enumerate(main):
        stalls_ok = index % 9 != 4
        checks.append(
            SurroundingsCheck(
                school=school,
                checked_on=datetime.date(YEAR, 8, 25),
                no_illegal_stalls=stalls_ok,
                findings="" if stalls_ok else "校门口有无证流动摊点占道经营",
                department=governance,
            )
        )
    SurroundingsCheck.objects.bulk_create(checks)


def _incidents(by_code: dict[str, School]) -> None:
    school = by_code["S005"]
    if Incident.objects.filter(school=school).exists():
        return
    occurred = _at(datetime.date(YEAR, 10, 14), 10, 20)
    Incident.objects.create(
        school=school,
        occurred_at=occurred,
        kind=IncidentKind.INJURY,
        severity=Severity.MINOR,
        injuries=1,
        description="课间活动时一名学生摔倒致手臂骨折，已送医治疗。",
        reported_at=occurred + datetime.timedelta(hours=3),
        follow_up="加强课间巡查，已与家长沟通。",
    )
    occurred = _at(datetime.date(YEAR, 11, 3), 16, 40)
    Incident.objects.create(
        school=by_code["S012"],
        occurred_at=occurred,
        kind=IncidentKind.TRAFFIC,
        severity=Severity.SERIOUS,
        injuries=2,
        description="放学途中两名学生被非机动车撞伤。",
        reported_at=occurred + datetime.timedelta(hours=5),
        follow_up="联系交警增设减速带和护学岗。",
    )


def _letters(schools: list[School], bureau: Any, rng: random.Random) -> None:
    if ResponsibilityLetter.objects.filter(school=schools[0], year=YEAR).exists():
        return
    letters = [
        ResponsibilityLetter(
            school=school,
            year=YEAR,
            level=LetterLevel.BUREAU_SCHOOL,
            issuer=bureau.name,
            signatory=school.principal,
            signed_on=None if index % 20 == 19 else datetime.date(YEAR, 3, 10),
        )
        for index, school in enumerate(schools)
    ]
    for school in schools[:2]:
        letters += [
            ResponsibilityLetter(
                school=school,
                year=YEAR,
                level=LetterLevel.SCHOOL_STAFF,
                issuer=school.name,
                signatory=_name(rng) + f"（{post}）",
                signed_on=datetime.date(YEAR, 3, 20),
            )
            for post in ("班主任", "门卫", "食堂管理员", "校车照管员")
        ]
    ResponsibilityLetter.objects.bulk_create(letters)


PATROL_POINTS = (
    ("校门", "南门传达室"),
    ("锅炉房", "后勤楼北侧"),
    ("实验室", "实验楼二层"),
    ("学生宿舍", "宿舍楼一层"),
    ("路边池塘", "校园东侧围墙外"),
)


def _patrols(by_code: dict[str, School]) -> None:
    """S001 and S002 patrol their gate, boiler room, labs, dormitory and the pond by the road:
    a day route three times a day and a night route at 21:30 (the QR sheet prints them)."""
    for code in ("S001", "S002"):
        school = by_code.get(code)
        if school is None or PatrolPoint.objects.filter(school=school).exists():
            continue
        points = [
            PatrolPoint.objects.create(school=school, name=name, location=where, order=i)
            for i, (name, where) in enumerate(PATROL_POINTS, start=1)
        ]
        day = PatrolRoute.objects.create(
            school=school, name="日间巡查", times="07:30 12:00 16:30", window_minutes=60
        )
        day.points.set(points)
        night = PatrolRoute.objects.create(
            school=school, name="夜间巡查", times="21:30", window_minutes=45
        )
        night.points.set([points[0], points[1], points[3]])
        _yesterdays_patrols(school, points)


def _yesterdays_patrols(school: School, points: list[PatrolPoint]) -> None:
    """Yesterday's day rounds: the morning on time, the noon one late at the pond, the
    afternoon one missed at the labs; the gate's morning patrol has a photo."""
    from django.core.files.base import ContentFile
    from PIL import Image

    from xiaoan.core.dates import day_start, local_today

    start = day_start(local_today() - datetime.timedelta(days=1))
    image = Image.new("RGB", (320, 240), (200, 210, 190))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    for hour, minute, skip, late in ((7, 40, None, None), (12, 10, None, 4), (16, 40, 2, None)):
        for index, point in enumerate(points):
            if index == skip:
                continue
            delay = 80 if index == late else 3 * index
            at = start + datetime.timedelta(hours=hour, minutes=minute + delay)
            patrol = Patrol(school=school, point=point, patrolled_at=at, note="")
            if hour == 7 and index == 0:
                patrol.photo.save("photo.jpg", ContentFile(buffer.getvalue()), save=False)
            patrol.save()


# The bureau's rule: a fire and an earthquake evacuation drill every term in every school.
DRILL_RULES = (
    (DrillScenario.FIRE, DrillPeriod.TERM, 1),
    (DrillScenario.EARTHQUAKE, DrillPeriod.TERM, 1),
)
# 2014's drills: the spring term's in March (fire) and on 12 May (disaster prevention day),
# the autumn term's in October (earthquake) and on 9 November (fire safety day).
DRILL_DAYS = (
    (DrillScenario.FIRE, datetime.date(YEAR, 3, 26)),
    (DrillScenario.EARTHQUAKE, datetime.date(YEAR, 5, 12)),
    (DrillScenario.EARTHQUAKE, datetime.date(YEAR, 10, 15)),
    (DrillScenario.FIRE, datetime.date(YEAR, 11, 7)),
)
# The few schools behind: no earthquake drill in the autumn term, or no fire drill in it.
NO_AUTUMN_EARTHQUAKE_DRILL = ("S015", "S033", "S048", "S066")
NO_AUTUMN_FIRE_DRILL = ("S027", "S071")
DRILL_PROBLEMS = {
    "S001": "二楼东侧楼梯口疏散时拥堵\n应急照明灯两盏不亮",
    "S002": "实验楼安全出口被杂物堵塞",
}
PLAN_TITLES = {
    DrillScenario.FIRE: "火灾事故应急预案",
    DrillScenario.EARTHQUAKE: "地震灾害应急疏散预案",
}
# A one-page PDF standing for the plans of S001 and S002.
PLAN_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _drills(schools: list[School], bureau: Any) -> None:
    """Every school's fire and earthquake plans (approved in February 2014) and its 2014 drills;
    a few schools behind in the autumn term."""
    for scenario, period, count in DRILL_RULES:
        DrillRule.objects.get_or_create(
            bureau=bureau, scenario=scenario, defaults={"period": period, "count": count}
        )
    if not schools or EmergencyPlan.objects.filter(school=schools[0]).exists():
        return
    plans = {}
    for school in schools:
        for scenario, title in PLAN_TITLES.items():
            plans[(school.pk, scenario)] = EmergencyPlan(
                school=school,
                scenario=scenario,
                title=f"{school.name}{title}",
                edition="2014版",
                responsible=school.principal or "校长",
                approved_by="校长办公会",
                approved_on=datetime.date(YEAR, 2, 20),
            )
    EmergencyPlan.objects.bulk_create(plans.values())
    drills = []
    for school in schools:
        for scenario, day in DRILL_DAYS:
            autumn = day.month >= 9
            if (
                autumn
                and scenario == DrillScenario.EARTHQUAKE
                and school.code in NO_AUTUMN_EARTHQUAKE_DRILL
            ):
                continue
            if autumn and scenario == DrillScenario.FIRE and school.code in NO_AUTUMN_FIRE_DRILL:
                continue
            pupils = max(school.enrolment or 0, 30)
            problems = DRILL_PROBLEMS.get(school.code, "") if day.month == 11 else ""
            drills.append(
                Drill(
                    school=school,
                    scenario=scenario,
                    held_on=day,
                    plan=plans[(school.pk, scenario)],
                    pupils=pupils,
                    staff=max(pupils // 15, 3),
                    evacuation_seconds=150 + (pupils // 20) % 120,
                    problems=problems,
                    evaluation="疏散有序，用时符合预案要求。"
                    if not problems
                    else "整体有序，发现的问题限期整改。",
                )
            )
    Drill.objects.bulk_create(drills)
    _drill_files(schools)


def _drill_files(schools: list[School]) -> None:
    """The plans of S001 and S002 as files, and a photo of their November fire drill."""
    from django.core.files.base import ContentFile
    from PIL import Image

    image = Image.new("RGB", (320, 240), (210, 190, 180))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    for school in schools:
        if school.code not in ("S001", "S002"):
            continue
        for plan in EmergencyPlan.objects.filter(school=school):
            plan.attachment.save("plan.pdf", ContentFile(PLAN_PDF), save=False)
            plan.attachment_name = f"{plan.title}.pdf"
            EmergencyPlan.objects.filter(pk=plan.pk).update(
                attachment=plan.attachment.name, attachment_name=plan.attachment_name
            )
        drill = Drill.objects.filter(school=school, held_on__month=11).first()
        if drill is not None:
            photo = DrillPhoto(drill=drill)
            photo.photo.save("photo.jpg", ContentFile(buffer.getvalue()), save=False)
            photo.save()


# ---- daily food-safety control (食品安全日管控) ----------------------------------------------

# Two school weeks of November 2014 at every school with a canteen.
FOOD_DAYS = [
    datetime.date(YEAR, 11, 10) + datetime.timedelta(days=d)
    for d in range(12)
    if (datetime.date(YEAR, 11, 10) + datetime.timedelta(days=d)).weekday() < 5
]
# Meals whose sample nobody kept (the board and the November reports show them), and one
# sampled only after the meal had ended.
MISSED_SAMPLES = {
    ("S024", datetime.date(YEAR, 11, 13), Meal.LUNCH),
    ("S033", datetime.date(YEAR, 11, 19), Meal.DINNER),
}
LATE_SAMPLES = {("S002", datetime.date(YEAR, 11, 20), Meal.LUNCH)}
# Workers sent off duty at the morning check: (school, day, worker's place on the list, symptom).
UNWELL = [
    ("S002", datetime.date(YEAR, 11, 12), 1, "fever"),
    ("S022", datetime.date(YEAR, 11, 18), 2, "hand_wound"),
    ("S032", datetime.date(YEAR, 11, 14), 0, "diarrhoea"),
]
MEAL_SAMPLE_TIMES: dict[str, datetime.time] = {
    Meal.BREAKFAST: datetime.time(6, 50),
    Meal.LUNCH: datetime.time(11, 10),
    Meal.DINNER: datetime.time(17, 0),
}
DISHES: dict[str, list[str]] = {
    Meal.BREAKFAST: ["白粥", "肉包", "茶叶蛋", "豆浆", "花卷"],
    Meal.LUNCH: ["红烧肉", "番茄炒蛋", "清炒青菜", "紫菜蛋花汤", "土豆烧鸡块", "米饭"],
    Meal.DINNER: ["青椒肉丝", "麻婆豆腐", "蒜蓉西兰花", "冬瓜排骨汤", "米饭"],
}
MEAL_PROBLEMS = {
    ("S001", datetime.date(YEAR, 11, 18)): "蔬菜清洗不彻底，个别青菜有泥沙",
    ("S002", datetime.date(YEAR, 11, 13)): "餐具消毒记录未及时填写\n留样冰箱温度记录缺两天",
}
SUPPLIERS = [
    ("清溪粮油有限公司", "大米、食用油", CertificateKind.FOOD_LICENCE, 2017),
    ("清溪粮油有限公司", "大米、食用油", CertificateKind.BUSINESS_LICENCE, None),
    ("临江肉类联合加工厂", "猪肉", CertificateKind.QUARANTINE, None),
    ("白鹭乳业有限公司", "学生奶", CertificateKind.TEST_REPORT, 2015),
]


def _food(canteens: list[School], rng: random.Random) -> None:
    """Two November weeks of morning checks, samples and accompanying meals at every school with
    a canteen (three meals where pupils board), and the papers of its suppliers; a few meals
    without their sample, a few workers sent off duty."""
    if not canteens or MorningCheck.objects.filter(school=canteens[0]).exists():
        return
    checks: list[MorningCheck] = []
    samples: list[FoodSample] = []
    meals: list[AccompanyingMeal] = []
    papers: list[SupplierCertificate] = []
    for index, school in enumerate(canteens):
        workers = [_name(rng) for _ in range(5 + index % 4)]
        served = [Meal.BREAKFAST, Meal.LUNCH, Meal.DINNER] if school.boarding else [Meal.LUNCH]
        for day in FOOD_DAYS:
            checks.append(_morning_check(school, day, workers))
            for meal in served:
                samples += _samples(school, day, meal, workers[0], rng)
            if day.weekday() in (1, 3):
                meals.append(_accompanying(school, day))
        for supplier, goods, kind, until in SUPPLIERS:
            papers.append(
                SupplierCertificate(
                    school=school,
                    supplier=supplier,
                    goods=goods,
                    kind=kind,
                    number=f"JY{33019900 + index * 7 + len(papers) % 5:08d}",
                    # The pork's quarantine paper comes with each delivery; the others at term.
                    received_on=FOOD_DAYS[0]
                    if kind == CertificateKind.QUARANTINE
                    else datetime.date(YEAR, 9, 1),
                    valid_until=datetime.date(until, 8, 31) if until else None,
                )
            )
    MorningCheck.objects.bulk_create(checks)
    FoodSample.objects.bulk_create(samples)
    AccompanyingMeal.objects.bulk_create(meals)
    SupplierCertificate.objects.bulk_create(papers)
    _certificate_files(canteens)


def _morning_check(school: School, day: datetime.date, workers: list[str]) -> MorningCheck:
    staff = [{"name": name, "symptoms": [], "off_duty": False} for name in workers]
    for code, unwell_day, place, symptom in UNWELL:
        if code == school.code and unwell_day == day:
            staff[place] = {"name": workers[place], "symptoms": [symptom], "off_duty": True}
    unwell = sum(1 for p in staff if p["symptoms"])
    return MorningCheck(
        school=school,
        checked_on=day,
        checker=workers[0],
        staff=staff,
        checked_count=len(staff),
        unwell_count=unwell,
        off_duty_count=unwell,
    )


def _samples(
    school: School, day: datetime.date, meal: str, keeper: str, rng: random.Random
) -> list[FoodSample]:
    if (school.code, day, meal) in MISSED_SAMPLES:
        return []
    late = (school.code, day, meal) in LATE_SAMPLES
    kept_at = (
        _at(day, 14, 5)
        if late
        else _at(day, MEAL_SAMPLE_TIMES[meal].hour, MEAL_SAMPLE_TIMES[meal].minute)
    )
    dishes = rng.sample(DISHES[meal], 3)
    return [
        FoodSample(
            school=school,
            served_on=day,
            meal=meal,
            dish=dish,
            weight_g=rng.choice([125, 130, 150, 150, 180, 200]),
            kept_at=kept_at,
            kept_until=kept_at + datetime.timedelta(hours=48),
            kept_by=keeper,
        )
        for dish in dishes
    ]


def _accompanying(school: School, day: datetime.date) -> AccompanyingMeal:
    problems = MEAL_PROBLEMS.get((school.code, day), "")
    return AccompanyingMeal(
        school=school,
        served_on=day,
        meal=Meal.LUNCH,
        leader=school.principal or "校长",
        post="校长" if day.weekday() == 1 else "分管副校长",
        notes="饭菜温度适宜，分量充足，学生反映良好。"
        if not problems
        else "整体良好，发现的问题当场要求整改。",
        problems=problems,
    )


def _certificate_files(canteens: list[School]) -> None:
    """The rice supplier's food business licence of S001 and S002 as a scanned file."""
    from django.core.files.base import ContentFile

    for paper in SupplierCertificate.objects.filter(
        school__in=[s for s in canteens if s.code in ("S001", "S002")],
        kind=CertificateKind.FOOD_LICENCE,
    ):
        paper.attachment.save("licence.pdf", ContentFile(PLAN_PDF), save=False)
        paper.attachment_name = f"{paper.supplier}食品经营许可证.pdf"
        SupplierCertificate.objects.filter(pk=paper.pk).update(
            attachment=paper.attachment.name, attachment_name=paper.attachment_name
        )


# ---- the school's licences and certificates (证照) --------------------------------------------

# Papers whose end falls in the weeks around the demo's December 2014: the bureau's list of
# the expiring and the expired, the reminders and the schools' to-do lists show them.
PAPERS_ENDING = {
    ("S001", "食品经营许可证"): datetime.date(2015, 1, 8),
    ("S002", "校舍安全鉴定"): datetime.date(2014, 12, 28),
    ("S005", "食品经营许可证"): datetime.date(2014, 12, 20),
    ("S012", "特种设备检验"): datetime.date(2015, 1, 15),
    ("S003", "校车使用许可"): datetime.date(2014, 11, 30),
    ("S020", "消防验收/检查意见书"): datetime.date(2014, 11, 15),
}
PAPER_ISSUERS = {
    "食品经营许可证": "清溪区市场监督管理局",
    "消防验收/检查意见书": "清溪区公安消防大队",
    "校舍安全鉴定": "临江市房屋安全鉴定所",
    "校车使用许可": "清溪区人民政府",
    "从业人员健康证": "清溪区疾病预防控制中心",
    "特种设备检验": "临江市特种设备检测研究院",
}
# (first year of validity, years valid) by kind; None: valid without end.
PAPER_TERMS: dict[str, int | None] = {
    "食品经营许可证": 5,
    "消防验收/检查意见书": 1,
    "校舍安全鉴定": 3,
    "校车使用许可": 2,
    "从业人员健康证": 1,
    "特种设备检验": 1,
}


def _paper_kinds_of(school: School) -> list[str]:
    kinds = ["消防验收/检查意见书", "校舍安全鉴定"]
    if school.canteen:
        kinds.append("食品经营许可证")
    if school.boarding:
        kinds.append("特种设备检验")
    if school.code in ("S001", "S002", "S003", "S008", "S015"):
        kinds.append("校车使用许可")
    ending = [name for code, name in PAPERS_ENDING if code == school.code]
    return kinds + [name for name in ending if name not in kinds]


def _papers(schools: list[School], bureau: Any) -> None:
    """The papers of the primary and secondary schools (and the health certificates of two
    canteen workers each); a few end in December 2014 or January 2015 and two had expired by
    December: S003's school-bus permit and S020's fire inspection opinion. S001 and S002 keep
    scans of theirs."""
    from .models import PaperKind, SchoolPaper

    if SchoolPaper.objects.filter(school__bureau=bureau).exists():
        return
    PaperKind.seed(bureau)
    kinds = {k.name: k for k in PaperKind.objects.filter(bureau=bureau)}
    rng = random.Random(9704)
    for index, school in enumerate(s for s in schools if s.kind != SchoolKind.KINDERGARTEN):
        for name in _paper_kinds_of(school):
            _paper(school, kinds[name], index, rng)
        if school.canteen:
            for worker in range(2):
                _paper(school, kinds["从业人员健康证"], index + worker, rng, holder=_name(rng))
    _paper_scans(schools)


def _paper(school: School, kind: Any, index: int, rng: random.Random, holder: str = "") -> None:
    from .models import SchoolPaper

    years = PAPER_TERMS[kind.name] or 1
    until = PAPERS_ENDING.get((school.code, kind.name))
    if until is None:
        # Ends spread over 2015 and later, clear of the demo's weeks.
        until = datetime.date(YEAR + 1, 3 + (index + len(holder)) % 9, 1 + rng.randint(0, 27))
        if years > 1:
            until = until.replace(year=YEAR + rng.randint(1, years))
    issued = until.replace(year=until.year - years) + datetime.timedelta(days=1)
    number = f"{school.code}-{kind.pk:02d}-{rng.randint(1000, 9999)}"
    SchoolPaper.objects.create(
        school=school,
        kind=kind,
        number=number,
        issuer=PAPER_ISSUERS[kind.name],
        issued_on=issued,
        valid_until=until,
        holder=holder,
    )


def _paper_scans(schools: list[School]) -> None:
    from django.core.files.base import ContentFile

    from .models import SchoolPaper

    for paper in SchoolPaper.objects.filter(
        school__code__in=("S001", "S002"), holder=""
    ).select_related("kind"):
        paper.attachment.save("paper.pdf", ContentFile(PLAN_PDF), save=False)
        paper.attachment_name = f"{paper.kind.name.replace('/', '、')}.pdf"
        SchoolPaper.objects.filter(pk=paper.pk).update(
            attachment=paper.attachment.name, attachment_name=paper.attachment_name
        )
