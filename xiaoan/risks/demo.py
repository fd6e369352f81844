"""The risk register of the demo district: each school's risk points as identified at the start
of the 2014 spring term (辨识评估, March 2014), a handful per school — stairs, the gate, the
power room and fire exits everywhere; the canteen where there is one; the laboratory and its
chemicals at the secondary schools; the pick-up vehicles where the registers have them;
dormitories at the boarding schools; play equipment and nap rooms at the kindergartens.

Most points are yellow or blue; a few are orange (chemicals, the canteen's gas, vehicles, busy
gates) and a few red (the migrant-worker schools' pick-up vehicles, two chemical stores, one
old teaching building). The demo's hazards are linked to their school's point of the same area;
a point whose hazards came back within the year was re-assessed after the second one, and the
last three such points still wait for their re-assessment (the schools' to-do lists show them).

Idempotent: nothing is added once the district has a risk point; fixed seed, same every run.
"""

from __future__ import annotations

import datetime
import itertools
import random
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count

from xiaoan.hazards.models import Area, Hazard
from xiaoan.registers.models import Vehicle
from xiaoan.schools.choices import SchoolKind
from xiaoan.schools.demo import demo_bureau
from xiaoan.schools.models import School

from .choices import AssessmentReason, level_for
from .models import RECURRENCE_DAYS, RiskAssessment, RiskPoint

TZ = ZoneInfo("Asia/Shanghai")
IDENTIFIED_ON = datetime.date(2014, 3, 3)
# Points whose hazards recurred and that still wait for their re-assessment.
STILL_FLAGGED = 3
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "芳", "军", "敏", "静", "磊", "洋", "勇", "艳", "杰", "涛", "明", "霞", "强", "平"]


@dataclass(frozen=True)
class Template:
    name: str
    location: str
    area: str
    sources: str
    consequences: str
    measures: str
    likelihood: int
    severity: int


STAIRS = Template(
    "教学楼楼梯间",
    "教学楼各楼层楼梯",
    "building",
    "课间及放学时段学生集中上下楼\n楼梯照明不足、扶手松动",
    "拥挤踩踏、跌倒摔伤",
    "课间、放学分年级错时下楼\n楼梯口安排教师值守\n每月检查照明和扶手",
    2,
    4,
)
GATE = Template(
    "学校大门及周边",
    "校门口",
    "security",
    "上下学时段人员车辆混杂\n外来人员可能闯入",
    "交通事故、暴力侵害",
    "上下学时段护学岗值守\n门卫实行来访登记\n配备防暴器械并定期演练",
    3,
    4,
)
POWER = Template(
    "配电房",
    "综合楼一楼",
    "fire",
    "配电线路老化\n配电房内堆放杂物",
    "电气火灾、触电",
    "专人管理，门常锁\n每季度电气线路检测\n配备二氧化碳灭火器",
    2,
    4,
)
EXITS = Template(
    "消防通道及疏散出口",
    "各教学楼",
    "fire",
    "疏散通道被占用\n应急照明、疏散指示损坏",
    "火灾时疏散受阻、人员伤亡",
    "每日巡查疏散通道\n每月检测应急照明和疏散指示",
    2,
    3,
)
KITCHEN = Template(
    "学生食堂操作间",
    "食堂",
    "food",
    "食材采购验收不严\n生熟不分、留样不全",
    "集体食物中毒",
    "落实索证索票和进货查验\n晨检、留样、陪餐制度\n操作间监控全覆盖",
    3,
    5,
)
GAS = Template(
    "食堂燃气灶间",
    "食堂后厨",
    "fire",
    "燃气管道、阀门老化\n灶具周边堆放杂物",
    "火灾、燃气爆炸",
    "每日检查燃气阀门\n安装燃气泄漏报警装置\n配备灭火器和灭火毯",
    2,
    5,
)
CHEMICALS = Template(
    "化学实验室危化品柜",
    "实验楼",
    "lab",
    "易燃易爆、有毒试剂存放\n领用登记不全",
    "火灾、爆炸、中毒",
    "双人双锁管理\n购买、领用、处置台账\n专柜分类存放并通风",
    3,
    5,
)
VEHICLE = Template(
    "学生接送车",
    "接送路线及停车点",
    "vehicle",
    "车辆超员、驾驶人资质不符\n车辆未按期年检",
    "交通事故、群死群伤",
    "核定载员，严禁超员\n驾驶人资质和车辆年检台账\n随车照管人员全程跟车",
    3,
    5,
)
DORMITORY = Template(
    "学生宿舍",
    "宿舍楼",
    "fire",
    "学生私拉电线、使用大功率电器\n夜间值班力量不足",
    "火灾、人员伤亡",
    "宿舍管理员24小时值班\n每周检查违规电器\n每学期组织夜间疏散演练",
    3,
    4,
)
TOYS = Template(
    "户外大型玩具",
    "幼儿园户外活动场地",
    "building",
    "玩具螺丝松动、地垫破损",
    "幼儿跌落、夹伤",
    "每日开园前检查\n活动时教师全程看护",
    3,
    3,
)
NAP_ROOM = Template(
    "幼儿午睡室",
    "教学楼二楼",
    "fire",
    "电热器具使用\n床铺间通道狭窄",
    "火灾时疏散困难",
    "午睡时教师值守\n禁止使用电热器具\n保持通道畅通",
    2,
    4,
)
OLD_BUILDING = Template(
    "老教学楼",
    "西侧老教学楼",
    "building",
    "建于上世纪八十年代，墙体开裂\n安全鉴定为C级",
    "局部坍塌、人员伤亡",
    "停止使用三楼教室\n每周沉降观测\n列入校舍改造计划",
    4,
    5,
)
# Schools whose point is graver than its template: code → {point name: (likelihood, severity)}.
GRAVER = {
    "S003": {CHEMICALS.name: (4, 5)},
    "S024": {CHEMICALS.name: (4, 5)},
    "S012": {OLD_BUILDING.name: (4, 5)},
    "S001": {GATE.name: (4, 4)},
    "S005": {GATE.name: (4, 4)},
    "S031": {DORMITORY.name: (4, 4)},
}
OLD_BUILDINGS = ("S012", "S018")


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN])


def _phone(rng: random.Random) -> str:
    return f"13{rng.randint(5, 9)}{rng.randint(0, 99999999):08d}"


def _templates(school: School, with_vehicles: set[int]) -> list[Template]:
    if school.kind == SchoolKind.KINDERGARTEN:
        chosen = [TOYS, NAP_ROOM, GATE, EXITS]
    else:
        chosen = [STAIRS, GATE, POWER, EXITS]
        if school.kind != SchoolKind.PRIMARY and school.kind != SchoolKind.MIGRANT:
            chosen.append(CHEMICALS)
        if school.code in OLD_BUILDINGS:
            chosen.append(OLD_BUILDING)
    if school.canteen:
        chosen += [KITCHEN, GAS]
    if school.boarding:
        chosen.append(DORMITORY)
    if school.pk in with_vehicles:
        chosen.append(VEHICLE)
    return chosen


def _scores(school: School, template: Template) -> tuple[int, int]:
    if template is VEHICLE and school.kind == SchoolKind.MIGRANT:
        return 4, 5  # hired vans on village roads: the district's gravest
    if template is OLD_BUILDING and school.code not in GRAVER:
        return 3, 5
    return GRAVER.get(school.code, {}).get(template.name, (template.likelihood, template.severity))


def load() -> None:
    bureau = demo_bureau()
    if RiskPoint.objects.filter(school__bureau=bureau).exists():
        return
    schools = list(School.objects.filter(bureau=bureau).order_by("code"))
    areas = {a.code: a for a in Area.objects.all()}
    with_vehicles = set(
        Vehicle.objects.filter(school__bureau=bureau).values_list("school_id", flat=True)
    )
    rng = random.Random(2014)
    with transaction.atomic():
        for school in schools:
            _identify(school, _templates(school, with_vehicles), areas, rng)
        _link_hazards(bureau)
        _recurrences(bureau)


def _identify(
    school: School, templates: list[Template], areas: dict[str, Area], rng: random.Random
) -> None:
    responsible, phone = _name(rng), _phone(rng)
    for index, template in enumerate(templates):
        likelihood, severity = _scores(school, template)
        point = RiskPoint(
            school=school,
            name=template.name,
            location=template.location,
            area=areas[template.area],
            hazard_sources=template.sources,
            consequences=template.consequences,
            control_measures=template.measures,
            # The safety officer answers for most points; the canteen's and the vehicles' have
            # their own manager.
            responsible=responsible if template.area not in ("food", "vehicle") else _name(rng),
            responsible_phone=phone if template.area not in ("food", "vehicle") else _phone(rng),
            likelihood=likelihood,
            severity=severity,
            level=level_for(likelihood, severity).value,
            identified_on=IDENTIFIED_ON + datetime.timedelta(days=index % 3),
        )
        point.save()
        assessment = point._assessment(
            None, AssessmentReason.IDENTIFIED, "2014年春季学期开学安全风险辨识评估"
        )
        _dated(assessment, point.identified_on)


def _dated(assessment: RiskAssessment, day: datetime.date | None) -> None:
    moment = datetime.datetime.combine(day or IDENTIFIED_ON, datetime.time(16, 0), tzinfo=TZ)
    RiskAssessment.objects.filter(pk=assessment.pk).update(created_at=moment, updated_at=moment)


def _link_hazards(bureau: Any) -> None:
    """Each demo hazard on its school's point of the same area (the first by name), if any."""
    points: dict[tuple[int, int], int] = {}
    for point in RiskPoint.objects.filter(school__bureau=bureau).order_by("name", "id"):
        points.setdefault((point.school_id, point.area_id), point.pk)
    by_point: dict[int, list[int]] = {}
    hazards = Hazard.objects.filter(bureau=bureau).values_list("pk", "school_id", "area_id")
    for pk, school_id, area_id in hazards:
        point_id = points.get((school_id, area_id))
        if point_id is not None:
            by_point.setdefault(point_id, []).append(pk)
    for point_id, hazard_ids in by_point.items():
        Hazard.objects.filter(pk__in=hazard_ids).update(risk_point=point_id)


def _recurrences(bureau: Any) -> None:
    """A point whose hazards came back within the year: re-assessed one grade likelier after
    the second one, except the last few, which still wait (flagged, on the to-do list)."""
    recurring = []
    linked = (
        RiskPoint.objects.filter(school__bureau=bureau)
        .annotate(n=Count("hazards"))
        .filter(n__gte=2)
        .order_by("school__code", "name")
    )
    for point in linked:
        hazards = list(point.hazards.exclude(status="rejected").order_by("found_on", "id"))  # type: ignore[attr-defined]
        for earlier, later in itertools.pairwise(hazards):
            if 0 < (later.found_on - earlier.found_on).days <= RECURRENCE_DAYS:
                recurring.append((point, later))
                break
    for index, (point, hazard) in enumerate(recurring):
        moment = datetime.datetime.combine(hazard.found_on, datetime.time(17, 0), tzinfo=TZ)
        if index >= len(recurring) - STILL_FLAGGED:
            RiskPoint.objects.filter(pk=point.pk).update(
                needs_reassessment=True, flagged_by=hazard, flagged_at=moment
            )
            continue
        likelihood = min(point.likelihood + 1, 5)
        level = level_for(likelihood, point.severity).value
        RiskPoint.objects.filter(pk=point.pk).update(likelihood=likelihood, level=level)
        point.likelihood, point.level = likelihood, level
        comment = f"隐患{hazard.code}复发，提高可能性等级，加强日常巡查"
        assessment = point._assessment(None, AssessmentReason.RECURRENCE, comment, hazard.pk)
        _dated(assessment, hazard.found_on + datetime.timedelta(days=2))
