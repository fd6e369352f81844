"""The seed's inspections of 2014, and the demo hazards linked to the inspections that found them.

- early August: survey of pick-up vehicles at 23 schools and kindergartens (专项调研);
- mid-August: the bureau's sections with the public-order brigade inspect all 42 childcare
  institutions; 5 kindergartens are told to rectify (联合检查);
- late August: joint enforcement with traffic police at 3 migrant-worker schools and
  1 kindergarten (联合执法), and the pre-opening joint inspection of every school with traffic
  police, fire brigade, quality inspection, food supervision and the town (联合检查);
- September: bureau leaders visit every school and kindergarten (督查);
- October–December: the bureau's and departments' spot checks that found later hazards.

Each demo hazard with source "inspection" is linked to an inspection of its school on its date
(the story's inspection is dated so where its window allows, else a spot check). No hazard is
created here. Idempotent: nothing is added once the demo inspections exist.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from xiaoan.campaigns.demo import demo_campaign
from xiaoan.hazards.models import Area, Hazard
from xiaoan.schools.choices import DepartmentKind, SchoolKind
from xiaoan.schools.demo import demo_bureau
from xiaoan.schools.models import BureauSection, Department, School

from .choices import (
    AnswerResult,
    InspectionEventKind,
    InspectionKind,
    InspectionStatus,
    ScheduleEventKind,
)
from .models import (
    ChecklistTemplate,
    Inspection,
    InspectionAnswer,
    InspectionEvent,
    ScheduleEvent,
)
from .models import InspectionSchedule as Schedule

ZONE = ZoneInfo("Asia/Shanghai")
D = datetime.date
LAB_KINDS = {SchoolKind.JUNIOR, SchoolKind.SENIOR, SchoolKind.NINE_YEAR, SchoolKind.VOCATIONAL}
ALL = ["vehicle", "building", "fire", "food", "lab", "security"]
RECTIFIED_KINDERGARTENS = 5


@dataclass
class Round:
    """One of the seed's rounds of inspections, and the schedule that planned it."""

    key: str
    title: str
    kind: str
    start: datetime.date
    end: datetime.date
    areas: list[str]
    departments: list[str]
    recorder: str
    names: str
    pick: Callable[[list[School]], list[School]]
    explicit: bool = False
    school_kinds: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)  # the bureau's sections taking part


def _vehicle_schools(schools: list[School]) -> list[School]:
    kinds = (SchoolKind.KINDERGARTEN, SchoolKind.MIGRANT)
    return [s for s in schools if s.kind in kinds][:23]


def _enforcement_schools(schools: list[School]) -> list[School]:
    migrant = [s for s in schools if s.kind == SchoolKind.MIGRANT][:3]
    return migrant + [s for s in schools if s.kind == SchoolKind.KINDERGARTEN][:1]


ROUNDS = [
    Round(
        "survey",
        "8月上旬学生接送车专项调研（23所学校和幼儿园）",
        InspectionKind.SURVEY,
        D(2014, 8, 1),
        D(2014, 8, 10),
        ["vehicle"],
        [DepartmentKind.TRAFFIC_POLICE],
        "bureau",
        "区交警大队 陈警官",
        _vehicle_schools,
        explicit=True,
    ),
    Round(
        "childcare",
        "8月托幼机构安全检查（基教科、人事科、装备科会同治安大队）",
        InspectionKind.JOINT,
        D(2014, 8, 11),
        D(2014, 8, 17),
        ["security", "building", "fire", "food"],
        [DepartmentKind.PUBLIC_SECURITY],
        "bureau",
        "基教科 周科长、人事科 吴科长、装备科 郑科长、治安大队 孙警官",
        lambda s: [x for x in s if x.kind == SchoolKind.KINDERGARTEN],
        school_kinds=[SchoolKind.KINDERGARTEN],
        sections=["基础教育科", "人事科", "装备科"],
    ),
    Round(
        "enforcement",
        "8月底接送车联合执法（3所民工子弟学校和1所幼儿园）",
        InspectionKind.ENFORCEMENT,
        D(2014, 8, 25),
        D(2014, 8, 31),
        ["vehicle"],
        [DepartmentKind.TRAFFIC_POLICE],
        "bureau",
        "区交警大队 陈警官、王警官",
        _enforcement_schools,
        explicit=True,
    ),
    Round(
        "preopening",
        "开学前联合安全检查（全区中小学、幼托机构）",
        InspectionKind.JOINT,
        D(2014, 8, 18),
        D(2014, 8, 31),
        ALL,
        [
            DepartmentKind.TRAFFIC_POLICE,
            DepartmentKind.FIRE,
            DepartmentKind.QUALITY,
            DepartmentKind.FOOD,
            DepartmentKind.TOWN,
        ],
        "bureau",
        "交警大队 陈警官、消防大队 李参谋、质监局 赵工、市场监管局 钱科长",
        lambda s: s,
    ),
    Round(
        "leadership",
        "开学后局领导带队督查（全区学校和幼儿园）",
        InspectionKind.LEADERSHIP,
        D(2014, 9, 1),
        D(2014, 9, 30),
        ["security", "building", "fire", "food"],
        [],
        "leader",
        "安全科 刘科长",
        lambda s: s,
        sections=["安全科"],
    ),
]


def load() -> None:
    bureau = demo_bureau()
    campaign = demo_campaign()
    if Inspection.objects.filter(campaign=campaign).exists():
        return
    with transaction.atomic():
        ctx = _Context(bureau, campaign)
        for spec in ROUNDS:
            ctx.run(spec)
        ctx.spot_checks()
        ctx.schedule_autumn_spot_checks()


class _Context:
    def __init__(self, bureau: Any, campaign: Any) -> None:
        User = get_user_model()
        self.bureau = bureau
        self.campaign = campaign
        self.users = {
            u.username: u for u in User.objects.filter(username__in=["bureau", "leader", "fire"])
        }
        self.schools = list(School.objects.filter(bureau=bureau).order_by("code"))
        self.departments = {d.kind: d for d in Department.objects.filter(bureau=bureau)}
        self.sections = {s.name: s for s in BureauSection.objects.filter(bureau=bureau)}
        self.areas = {a.code: a for a in Area.objects.all()}
        self.templates = {
            t.area.code: (t, list(t.items.all()))
            for t in ChecklistTemplate.objects.filter(is_current=True).select_related("area")
        }
        self.hazards = list(
            Hazard.objects.filter(bureau=bureau, source="inspection", inspection_answer=None)
            .select_related("area", "department", "school")
            .order_by("found_on", "code")
        )
        for hazard in self.hazards:
            hazard.linked = False  # set once an answer of a demo inspection points to it

    def run(self, spec: Round) -> None:
        schedule = Schedule.objects.create(
            bureau=self.bureau,
            campaign=self.campaign,
            title=spec.title,
            kind=spec.kind,
            start_date=spec.start,
            due_date=spec.end,
            school_kinds=spec.school_kinds,
        )
        self._planned(schedule)
        targets = spec.pick(self.schools)
        if spec.explicit:
            schedule.schools.set(targets)
        departments = [self.departments[k] for k in spec.departments if k in self.departments]
        schedule.departments.set(departments)
        sections = [self.sections[n] for n in spec.sections if n in self.sections]
        span = (spec.end - spec.start).days + 1
        for index, school in enumerate(targets):
            found = self._hazards_at(school, spec.start, spec.end, spec.areas)
            day = found[0].found_on if found else spec.start + datetime.timedelta(days=index % span)
            linked = [h for h in found if h.found_on == day]
            notes = self._notes(spec, school, index)
            inspection = self._inspection(
                school,
                spec.kind,
                day,
                spec.areas,
                departments,
                spec.recorder,
                spec.names,
                schedule,
                notes,
            )
            inspection.sections.set(sections)
            self._answers(inspection, school, spec.areas, linked, rectify=notes != "")

    def _notes(self, spec: Round, school: School, index: int) -> str:
        if spec.key == "childcare" and index < RECTIFIED_KINDERGARTENS:
            return "检查发现安保措施落实不到位，已当场责令整改，园方已于一周内整改完毕。"
        return ""

    def spot_checks(self) -> None:
        """The hazards no story round accounts for were found by spot checks on their date."""
        for hazard in [h for h in self.hazards if not h.linked]:
            department = hazard.department
            kind = InspectionKind.JOINT if department else InspectionKind.SPOT
            recorder = "fire" if department and department.kind == DepartmentKind.FIRE else "bureau"
            same_day = [
                h
                for h in self.hazards
                if not h.linked
                and h.school_id == hazard.school_id
                and h.found_on == hazard.found_on
                and h.department_id == hazard.department_id  # one finder, one record
            ]
            areas = sorted({h.area.code for h in same_day}, key=ALL.index)
            inspection = self._inspection(
                hazard.school,
                kind,
                hazard.found_on,
                areas,
                [department] if department else [],
                recorder,
                "",
                None,
                "",
            )
            self._answers(inspection, hazard.school, areas, same_day, rectify=False)

    def schedule_autumn_spot_checks(self) -> None:
        schedule = Schedule.objects.create(
            bureau=self.bureau,
            campaign=self.campaign,
            title="秋季学期安全抽查（中小学）",
            kind=InspectionKind.SPOT,
            start_date=D(2014, 10, 1),
            due_date=D(2014, 12, 31),
            school_kinds=SchoolKind.primary_and_secondary(),
        )
        self._planned(schedule)

    def _planned(self, schedule: Any) -> None:
        """The round's history starts when the bureau planned it, a week before it began."""
        event = ScheduleEvent.objects.create(
            schedule=schedule,
            actor=self.users["bureau"],
            kind=ScheduleEventKind.PLANNED,
            to_status=schedule.status,
        )
        moment = datetime.datetime.combine(schedule.start_date, datetime.time(9), ZONE)
        ScheduleEvent.objects.filter(pk=event.pk).update(
            created_at=moment - datetime.timedelta(days=7)
        )

    def _hazards_at(
        self, school: School, start: datetime.date, end: datetime.date, areas: list[str]
    ) -> list[Any]:
        return [
            h
            for h in self.hazards
            if not h.linked
            and h.school_id == school.pk
            and start <= h.found_on <= end
            and h.area.code in areas
        ]

    def _inspection(
        self,
        school: School,
        kind: str,
        day: datetime.date,
        areas: list[str],
        departments: list[Any],
        recorder: str,
        names: str,
        schedule: Any,
        notes: str,
    ) -> Inspection:
        user = self.users[recorder]
        signed = datetime.datetime.combine(day, datetime.time(16, 30), ZONE)
        inspection = Inspection.objects.create(
            school=school,
            campaign=self.campaign,
            schedule=schedule,
            kind=kind,
            date=day,
            status=InspectionStatus.SUBMITTED,
            inspector_names=names,
            notes=notes or "检查组对照检查表逐项检查，总体情况良好。",
            signed_by=user.get_full_name() or user.username,
            signed_at=signed,
            created_by=user,
        )
        inspection.areas.set([self.areas[c] for c in areas])
        inspection.departments.set(departments)
        inspection.inspectors.set([user])
        for kind_, before, after, moment in (
            (InspectionEventKind.CREATED, "", InspectionStatus.DRAFT, signed.replace(hour=9)),
            (
                InspectionEventKind.SUBMITTED,
                InspectionStatus.DRAFT,
                InspectionStatus.SUBMITTED,
                signed,
            ),
        ):
            event = InspectionEvent.objects.create(
                inspection=inspection,
                actor=user,
                kind=kind_,
                from_status=before,
                to_status=after,
            )
            InspectionEvent.objects.filter(pk=event.pk).update(created_at=moment)
        Inspection.objects.filter(pk=inspection.pk).update(created_at=signed.replace(hour=9))
        return inspection

    def _answers(
        self,
        inspection: Inspection,
        school: School,
        areas: list[str],
        hazards: list[Any],
        rectify: bool,
    ) -> None:
        answers: list[InspectionAnswer] = []
        for code in areas:
            template, items = self.templates[code]
            for item in items:
                na = code == "lab" and school.kind not in LAB_KINDS
                answers.append(
                    InspectionAnswer(
                        inspection=inspection,
                        item=item,
                        area=template.area,
                        order=template.area.order * 1000 + item.order,
                        item_text=item.text,
                        legal_basis=item.legal_basis,
                        on_fail=item.on_fail,
                        default_level=item.default_level,
                        result=AnswerResult.NOT_APPLICABLE if na else AnswerResult.PASS,
                        answered_by=inspection.created_by,
                        answered_at=inspection.signed_at,
                    )
                )
        for hazard in hazards:
            answer = _best_answer(answers, hazard)
            if answer is not None:
                answer.result, answer.note, answer.hazard = (
                    AnswerResult.FAIL,
                    hazard.description,
                    hazard,
                )
                hazard.linked = True
        if rectify:
            answer = next(a for a in answers if a.area.code == "security" and a.on_fail == "note")
            answer.result, answer.note = AnswerResult.FAIL, "外来人员登记不规范，已责令整改"
        InspectionAnswer.objects.bulk_create(answers)


def _best_answer(answers: list[InspectionAnswer], hazard: Any) -> InspectionAnswer | None:
    """The free item of the hazard's area whose wording is closest to the hazard's."""
    free = [a for a in answers if a.area_id == hazard.area_id and a.hazard is None]
    if not free:
        return None
    words = set(hazard.description)
    return max(free, key=lambda a: len(words & set(a.item_text)))
