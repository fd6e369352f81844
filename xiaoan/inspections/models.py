"""Checklists (检查表) per area, versioned; inspections (检查记录) answered item by item; the
bureau's inspection schedules and their coverage.

An inspection copies each checklist item's text, legal basis and failure rule into its answers
when it is started, so a template revised later never changes a record already made. A
submitted inspection is locked: every change goes through a method that refuses it.

Inspections and schedules answer `allowed_actions(user)` (`core.workflow.Actions`); each step
method runs its own check first. Every change of an inspection, a schedule or an answer is a
guarded update (`core.changelog.guarded_update`; `InspectionAnswer.write`): refused with
`core.errors.Stale` if someone saved since the version read, written to the change log with
the acting user, with its event row for a step. Checklist items are `Versioned`.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.access import has_role, is_superuser, member, membership_of, role_of
from xiaoan.accounts.choices import Role
from xiaoan.core.changelog import guarded_update, record_change, snapshot
from xiaoan.core.errors import Invalid, NotAllowed, Refused, Stale
from xiaoan.core.models import (
    ChangeAction,
    TimeStampedModel,
    Versioned,
    WorkflowEvent,
    stale_message,
)
from xiaoan.core.workflow import Actions
from xiaoan.hazards.choices import HazardLevel, HazardSource
from xiaoan.notifications.choices import NotificationKind
from xiaoan.notifications.recipients import About, announce, ids

from .choices import (
    AnswerResult,
    FailRequirement,
    InspectionEventKind,
    InspectionKind,
    InspectionStatus,
    ScheduleEventKind,
    ScheduleStatus,
)
from .querysets import AnswerQuerySet, InspectionQuerySet, ScheduleQuerySet

# ---- checklists ---------------------------------------------------------------------------


class ChecklistTemplate(TimeStampedModel):
    """One version of an area's checklist; revising it makes the next version current."""

    area = models.ForeignKey(
        "hazards.Area", models.PROTECT, related_name="checklists", verbose_name=_("area")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    is_current = models.BooleanField(_("current version"), default=True)

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["area__order", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["area", "version"], name="checklist_unique_version"),
            models.UniqueConstraint(
                fields=["area"],
                condition=Q(is_current=True),
                name="checklist_one_current_per_area",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @classmethod
    def current_for(cls, areas: Any) -> models.QuerySet[ChecklistTemplate]:
        return cls.objects.filter(area__in=areas, is_current=True).select_related("area")

    def revise(self, user: Any, items: list[dict[str, Any]], name: str = "") -> ChecklistTemplate:
        """Publish a new version with `items` (dicts of ChecklistItem fields); this one retires.

        Inspections already started keep their copied items, so nothing recorded changes.
        """
        if not has_role(user, Role.BUREAU_ADMIN):
            raise NotAllowed(gettext("Only the bureau safety section may edit checklists."))
        if not self.is_current:
            raise Refused(gettext("Only the current version of a checklist can be revised."))
        if not items:
            raise Invalid(gettext("A checklist needs at least one item."))
        with transaction.atomic():
            # Guarded: of two revisions of the same version, the second is refused.
            retired = ChecklistTemplate.objects.filter(pk=self.pk, is_current=True).update(
                is_current=False, updated_at=timezone.now()
            )
            if not retired:
                raise Stale(gettext("Someone else revised this checklist first: reload it."))
            self.is_current = False
            record_change(
                self, user, ChangeAction.UPDATE, {"is_current": True}, {"is_current": False}
            )
            latest = ChecklistTemplate.objects.filter(area=self.area).aggregate(v=Max("version"))
            new = ChecklistTemplate.objects.create(
                area=self.area, version=(latest["v"] or 0) + 1, name=name or self.name
            )
            record_change(new, user, ChangeAction.CREATE)
            for index, item in enumerate(items, start=1):
                ChecklistItem.objects.create(template=new, order=index, **item)
        return new


class ChecklistItem(Versioned, TimeStampedModel):
    """One question of a checklist version, with its legal basis and what a failure requires
    (never edited once an inspection used it: a revision publishes new items)."""

    template = models.ForeignKey(
        ChecklistTemplate, models.CASCADE, related_name="items", verbose_name=_("checklist")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("item"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    on_fail = models.CharField(
        _("a failing answer requires"),
        max_length=10,
        choices=FailRequirement.choices,
        default=FailRequirement.NOTE,
    )
    default_level = models.CharField(
        _("default hazard level"),
        max_length=10,
        choices=HazardLevel.choices,
        default=HazardLevel.GENERAL,
    )

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="checklistitem_unique_order")
        ]

    def __str__(self) -> str:
        return self.text

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "legal_basis": self.legal_basis,
            "on_fail": self.on_fail,
            "default_level": self.default_level,
        }


# ---- inspections --------------------------------------------------------------------------

RECORDER_KINDS: dict[str, list[str]] = {
    Role.BUREAU_ADMIN: list(InspectionKind.values),
    Role.BUREAU_LEADER: [InspectionKind.LEADERSHIP, InspectionKind.SPOT, InspectionKind.JOINT],
    Role.DEPT_INSPECTOR: [
        InspectionKind.JOINT,
        InspectionKind.ENFORCEMENT,
        InspectionKind.SPOT,
        InspectionKind.SURVEY,
    ],
    Role.SCHOOL_ADMIN: [InspectionKind.SELF],
}


def kinds_for(user: Any) -> list[str]:
    """The inspection kinds this user may record."""
    if getattr(user, "is_superuser", False):
        return list(InspectionKind.values)
    return RECORDER_KINDS.get(role_of(user) or "", [])


class InspectionManager(models.Manager.from_queryset(InspectionQuerySet)):  # type: ignore[misc]
    def start(
        self,
        user: Any,
        *,
        school: Any,
        kind: str,
        date: datetime.date,
        areas: Any,
        campaign: Any = None,
        schedule: Any = None,
        departments: Any = (),
        sections: Any = (),
        inspectors: Any = (),
        inspector_names: str = "",
    ) -> Inspection:
        """Open a draft inspection with one answer per item of the areas' current checklists."""
        _check_may_record(user, school, kind)
        if schedule is not None:
            schedule.check_record(user)
        templates = list(ChecklistTemplate.current_for(areas).prefetch_related("items"))
        if not templates:
            raise Invalid(gettext("Choose at least one area to inspect."))
        membership = membership_of(user)
        with transaction.atomic():
            inspection = self.create(
                school=school,
                kind=kind,
                date=date,
                campaign=campaign,
                schedule=schedule,
                inspector_names=inspector_names.strip(),
                created_by=user,
            )
            inspection.areas.set([t.area for t in templates])
            departments = list(departments)
            if membership is not None and membership.department_id:
                departments.append(membership.department)
            inspection.departments.set(departments)
            sections = list(sections)
            if membership is not None and membership.section_id:
                sections.append(membership.section)
            inspection.sections.set(sections)
            inspection.inspectors.set([user, *inspectors])
            InspectionAnswer.objects.bulk_create(_answers_for(inspection, templates))
            record_change(inspection, user, ChangeAction.CREATE)
            inspection._event(user, InspectionEventKind.CREATED, to_status=inspection.status)
        return inspection


def _check_may_record(user: Any, school: Any, kind: str) -> None:
    from xiaoan.schools.models import School

    if not School.objects.for_user(user).filter(pk=school.pk).exists():
        raise NotAllowed(gettext("You may not record inspections at this school."))
    if kind not in kinds_for(user):
        raise NotAllowed(gettext("Your role may not record this kind of inspection."))


def _answers_for(inspection: Inspection, templates: list[ChecklistTemplate]) -> list[Any]:
    answers = []
    for template in templates:
        for item in template.items.all():
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
                )
            )
    return answers


class Inspection(Actions, TimeStampedModel):
    """One inspection of one school, answered against the checklists of the chosen areas.

    Steps: `answer` an item, `raise_hazard` from a failed item, `submit` (sign and lock).
    """

    school = models.ForeignKey(
        "schools.School", models.PROTECT, related_name="inspections", verbose_name=_("school")
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("campaign"),
    )
    schedule = models.ForeignKey(
        "InspectionSchedule",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("schedule"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=InspectionKind.choices)
    date = models.DateField(_("date"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InspectionStatus.choices,
        default=InspectionStatus.DRAFT,
    )
    areas = models.ManyToManyField("hazards.Area", related_name="+", verbose_name=_("areas"))
    departments = models.ManyToManyField(
        "schools.Department",
        blank=True,
        related_name="inspections",
        verbose_name=_("departments taking part"),
    )
    sections = models.ManyToManyField(
        "schools.BureauSection",
        blank=True,
        related_name="inspections",
        verbose_name=_("bureau sections taking part"),
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("inspectors")
    )
    inspector_names = models.CharField(
        _("other inspectors"),
        max_length=300,
        blank=True,
        help_text=_("Names of inspectors without an account, separated by commas."),
    )
    notes = models.TextField(_("overall notes"), blank=True)
    signed_by = models.CharField(_("signed by"), max_length=100, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = InspectionManager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                name="inspection_kind_valid", condition=Q(kind__in=InspectionKind.values)
            ),
            models.CheckConstraint(
                name="inspection_submitted_is_signed",
                condition=Q(status=InspectionStatus.DRAFT)
                | (Q(signed_at__isnull=False) & ~Q(signed_by="")),
            ),
        ]
        indexes = [
            models.Index(fields=["school", "date"], name="inspection_school_date_idx"),
            models.Index(fields=["kind", "date"], name="inspection_kind_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.school} · {self.get_kind_display()} · {self.date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.status == InspectionStatus.SUBMITTED

    def action_checks(self) -> dict[str, Callable[[Any], object]]:
        # Filling in, raising a hazard and signing are open to the same people, while a draft.
        return {
            "answer": self.check_fill,
            "raise_hazard": self.check_fill,
            "submit": self.check_fill,
        }

    def check_fill(self, user: Any) -> None:
        """Raise unless `user` may fill in this draft now: its recorder, the bureau safety
        section, the school itself for a self-inspection (and superusers)."""
        if self.is_locked:
            raise Refused(gettext("This inspection has been submitted and is locked."))
        if not self._may_fill(user):
            raise NotAllowed(gettext("You may not change this inspection."))

    def _may_fill(self, user: Any) -> bool:
        if is_superuser(user):
            return True
        membership = membership_of(user)
        if membership is None or membership.bureau_id != self.school.bureau_id:
            return False
        if user.pk == self.created_by_id or membership.role == Role.BUREAU_ADMIN:
            return True
        own_school = membership.school_id == self.school_id
        return own_school and membership.role == Role.SCHOOL_ADMIN and self.kind == "self"

    def _lock_draft(self) -> None:
        """Inside a transaction: hold the inspection's row while an answer is written, and
        refuse if it was submitted meanwhile (a submit waits for the lock, and vice versa)."""
        still_draft = Inspection.objects.select_for_update().filter(
            pk=self.pk, status=InspectionStatus.DRAFT
        )
        if not still_draft.values_list("pk", flat=True):
            raise Refused(gettext("This inspection has been submitted and is locked."))

    def _event(
        self,
        user: Any,
        kind: str,
        comment: str = "",
        answer: Any = None,
        *,
        from_status: str = "",
        to_status: str = "",
    ) -> InspectionEvent:
        return InspectionEvent.objects.create(
            inspection=self,
            actor=user,
            kind=kind,
            comment=comment,
            answer=answer,
            from_status=from_status,
            to_status=to_status or self.status,
        )

    def update_header(self, user: Any, **fields: Any) -> None:
        """Change the draft's notes, other inspectors or date."""
        self.check_fill(user)
        allowed = {"notes", "inspector_names", "date"}
        if set(fields) - allowed:
            raise ValueError(", ".join(sorted(set(fields) - allowed)))
        changes = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
        expect = {"status": InspectionStatus.DRAFT}
        guarded_update(self, changes, user=user, expect=expect, action=ChangeAction.UPDATE)

    def answer(
        self,
        user: Any,
        answer: InspectionAnswer,
        *,
        result: str,
        note: str = "",
        photo: Any = None,
        version: int | None = None,
    ) -> InspectionAnswer:
        """Record one item's result; a photo is checked and re-encoded (ValidationError if bad).

        `version`: the answer as the user read it; if someone saved it since, `Stale`.
        """
        self.check_fill(user)
        if answer.inspection_id != self.pk:
            raise ValueError("answer of another inspection")
        if result not in AnswerResult.values:
            raise Invalid(gettext("Choose pass, fail or not applicable."))
        if answer.hazard_id and result != AnswerResult.FAIL:
            raise Refused(gettext("A hazard was raised from this item: it stays failed."))
        processed = None
        if photo is not None:
            from xiaoan.hazards.photos import process_upload

            processed = process_upload(photo)
        if version is not None:
            answer.version = version
        changes = {
            "result": result,
            "note": note.strip(),
            "answered_by": user,
            "answered_at": timezone.now(),
        }
        with transaction.atomic():
            self._lock_draft()
            if processed is not None:
                answer.photo.save("photo.jpg", ContentFile(processed.jpeg), save=False)
                changes["photo"] = answer.photo.name
            answer.write(user, changes)
        return answer

    def raise_hazard(
        self,
        user: Any,
        answer: InspectionAnswer,
        *,
        description: str = "",
        level: str = "",
        location: str = "",
        risk_point: Any = None,
    ) -> Any:
        """Fail the item (if not yet) and report a hazard linked to it, in one step (and to the
        point of the school's risk register it was found at, if given).

        Area, level and description come prefilled from the item and the answer's note.
        """
        from xiaoan.hazards.choices import PhotoKind
        from xiaoan.hazards.models import Hazard

        self.check_fill(user)
        if answer.inspection_id != self.pk:
            raise ValueError("answer of another inspection")
        if answer.hazard_id:
            raise Refused(gettext("A hazard has already been raised from this item."))
        description = description.strip() or answer.note or answer.item_text
        with transaction.atomic():
            self._lock_draft()
            hazard = Hazard.objects.report(
                school=self.school,
                area=answer.area,
                level=level or answer.default_level,
                description=description,
                location=location,
                found_on=self.date,
                reported_by=user,
                source=HazardSource.INSPECTION,
                campaign=self.campaign,
                from_record=True,
                risk_point=risk_point,
            )
            changes = {
                "hazard": hazard,
                "result": AnswerResult.FAIL,
                "note": answer.note or description,
                "answered_by": user,
                "answered_at": timezone.now(),
            }
            answer.write(user, changes)
            if answer.photo:
                with answer.photo.open("rb") as handle:
                    hazard.add_photo(
                        user, ContentFile(handle.read(), name="photo.jpg"), PhotoKind.BEFORE
                    )
            self._event(user, InspectionEventKind.HAZARD_RAISED, hazard.code, answer)
        return hazard

    def missing_answers(self, answers: Any = None) -> list[tuple[InspectionAnswer, str]]:
        """Each item that still stops submission, with why (the page links to each)."""
        answers = self.answers.order_by("order") if answers is None else answers
        return [(answer, answer.problem()) for answer in answers if answer.problem()]

    def missing(self) -> list[str]:
        """What still stops submission, as messages for the user (empty: ready)."""
        return [f"{answer.item_text}: {problem}" for answer, problem in self.missing_answers()]

    def submit(self, user: Any, *, signed_by: str, notes: str | None = None) -> Any:
        """Sign and lock the inspection once every item is answered as its rule requires
        (draft → submitted: a guarded update, its change-log row and its event)."""
        self.check_fill(user)
        if not signed_by.strip():
            raise Invalid(gettext("Sign the record with your name."))
        problems = self.missing()
        if problems:
            raise Invalid(
                gettext("The inspection is not complete: %(problems)s")
                % {"problems": "; ".join(problems[:5])}
            )
        changes = {
            "status": InspectionStatus.SUBMITTED,
            "signed_by": signed_by.strip(),
            "signed_at": timezone.now(),
            "notes": self.notes if notes is None else notes.strip(),
        }
        with transaction.atomic():
            guarded_update(self, changes, user=user, expect={"status": InspectionStatus.DRAFT})
            return self._event(
                user, InspectionEventKind.SUBMITTED, from_status=InspectionStatus.DRAFT
            )

    def inspector_list(self) -> str:
        """Everyone who inspected: account holders, then the free-text names."""
        names = [u.get_full_name() or u.username for u in self.inspectors.all()]
        names += [n.strip() for n in self.inspector_names.replace(",", ",").split(",") if n.strip()]
        return "、".join(dict.fromkeys(names))

    def taking_part(self) -> str:
        """The bureau sections, then the partner departments, that took part."""
        names = [s.name for s in self.sections.all()] + [d.name for d in self.departments.all()]
        return "、".join(names)

    def counts(self) -> dict[str, int]:
        results = [a.result for a in self.answers.all()]
        return {
            "total": len(results),
            "pass": results.count(AnswerResult.PASS),
            "fail": results.count(AnswerResult.FAIL),
            "na": results.count(AnswerResult.NOT_APPLICABLE),
            "open": results.count(""),
        }


def answer_photo_path(instance: Any, filename: str) -> str:
    return f"inspections/{uuid.uuid4().hex}.jpg"


class InspectionAnswer(TimeStampedModel):
    """One checklist item as it stood when the inspection began, and what was found.

    Written only by `write`: saved from the version the user read (else `Stale`), every change
    in the change log.
    """

    inspection = models.ForeignKey(
        Inspection, models.CASCADE, related_name="answers", verbose_name=_("inspection")
    )
    item = models.ForeignKey(
        ChecklistItem, models.PROTECT, related_name="answers", verbose_name=_("checklist item")
    )
    area = models.ForeignKey(
        "hazards.Area", models.PROTECT, related_name="+", verbose_name=_("area")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    item_text = models.CharField(_("item"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    on_fail = models.CharField(
        _("a failing answer requires"), max_length=10, choices=FailRequirement.choices
    )
    default_level = models.CharField(
        _("default hazard level"), max_length=10, choices=HazardLevel.choices
    )
    result = models.CharField(_("result"), max_length=4, choices=AnswerResult.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    photo = models.FileField(_("photo"), upload_to=answer_photo_path, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    hazard = models.OneToOneField(
        "hazards.Hazard",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_answer",
        verbose_name=_("hazard raised"),
    )

    version = models.PositiveIntegerField(_("version"), default=1)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection answer")
        verbose_name_plural = _("inspection answers")
        ordering = ["inspection", "order"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="answer_one_per_item"),
            models.CheckConstraint(
                name="answer_hazard_only_on_fail",
                condition=Q(hazard__isnull=True) | Q(result=AnswerResult.FAIL),
            ),
        ]

    def __str__(self) -> str:
        return self.item_text

    def write(self, user: Any, changes: dict[str, Any]) -> None:
        """Save `changes` only where the answer is still at this object's version (else
        `Stale`, nothing written), with its change-log row, in one transaction.

        `core.changelog.guarded_update` in all but the snapshot: the change log cannot read a
        file field yet, so the photo is logged by its stored name.
        """
        before = self._logged_values()
        with transaction.atomic():
            updated = InspectionAnswer.objects.filter(pk=self.pk, version=self.version).update(
                **changes, version=F("version") + 1, updated_at=timezone.now()
            )
            if not updated:
                raise Stale(stale_message())
            for name, value in changes.items():
                setattr(self, name, value)
            self.version += 1
            after = self._logged_values()
            changed = [name for name in after if before.get(name) != after[name]]
            old, new = {n: before.get(n) for n in changed}, {n: after[n] for n in changed}
            record_change(self, user, ChangeAction.UPDATE, old, new)

    def _logged_values(self) -> dict[str, Any]:
        values = {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields}
        values["photo"] = self.photo.name or ""
        return snapshot(self, values)

    def problem(self) -> str:
        """Why this answer is not complete yet ("" when it is)."""
        if not self.result:
            return gettext("not answered")
        if self.result != AnswerResult.FAIL:
            return ""
        if not self.note:
            return gettext("a failed item needs a note")
        if self.on_fail == FailRequirement.PHOTO and not self.photo:
            return gettext("a failed item needs a photo")
        if self.on_fail == FailRequirement.HAZARD and not self.hazard_id:
            return gettext("a failed item needs a hazard raised")
        return ""


class InspectionEvent(WorkflowEvent):
    """A step in an inspection's life (never edited)."""

    inspection = models.ForeignKey(
        Inspection, models.CASCADE, related_name="events", verbose_name=_("inspection")
    )
    answer = models.ForeignKey(
        InspectionAnswer,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("item"),
    )
    kind = models.CharField(_("kind"), max_length=25, choices=InspectionEventKind.choices)

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("inspection event")
        verbose_name_plural = _("inspection events")

    def __str__(self) -> str:
        return f"{self.inspection} · {self.get_kind_display()}"


# ---- schedules ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    school: Any
    inspection: Inspection | None


SCHEDULE_FIELDS = ("title", "kind", "campaign", "start_date", "due_date", "school_kinds", "notes")
SCHEDULE_M2M = ("schools", "departments")


def _planner_message() -> str:
    return gettext("Only the bureau safety section may plan inspections.")


class ScheduleManager(models.Manager.from_queryset(ScheduleQuerySet)):  # type: ignore[misc]
    def plan(self, user: Any, **values: Any) -> InspectionSchedule:
        """A new round of inspections in the planner's district (`values`: the form's fields)."""
        if not has_role(user, Role.BUREAU_ADMIN):
            raise NotAllowed(_planner_message())
        schedule = self.model(bureau_id=member(user).bureau_id)
        schedule._check_plan(values)
        for name in SCHEDULE_FIELDS:
            if name in values:
                setattr(schedule, name, values[name])
        with transaction.atomic():
            schedule.save()
            for name in SCHEDULE_M2M:
                if name in values:
                    getattr(schedule, name).set(values[name])
            record_change(schedule, user, ChangeAction.CREATE)
            schedule._event(user, ScheduleEventKind.PLANNED)
            schedule._announce_planned(user)
        return schedule


class InspectionSchedule(Actions, TimeStampedModel):
    """A planned round of inspections ("joint inspection of all kindergartens before 1 Sept").

    Steps: `replan`, `cancel`, `reinstate` (the bureau safety section), and `record` an
    inspection against it (those who may record its kind).
    """

    bureau = models.ForeignKey(
        "schools.Bureau", models.PROTECT, related_name="+", verbose_name=_("bureau")
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="schedules",
        verbose_name=_("campaign"),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=InspectionKind.choices)
    start_date = models.DateField(_("start date"))
    due_date = models.DateField(_("due by"))
    school_kinds = models.JSONField(
        _("school kinds"),
        default=list,
        blank=True,
        help_text=_("Empty: every kind of school."),
    )
    schools = models.ManyToManyField(
        "schools.School",
        blank=True,
        related_name="+",
        verbose_name=_("schools"),
        help_text=_("Choose schools only for a round that does not cover whole kinds."),
    )
    departments = models.ManyToManyField(
        "schools.Department", blank=True, related_name="+", verbose_name=_("departments")
    )
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ScheduleStatus.choices,
        default=ScheduleStatus.PLANNED,
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = ScheduleManager()

    class Meta:
        verbose_name = _("inspection schedule")
        verbose_name_plural = _("inspection schedules")
        ordering = ["-due_date", "-id"]
        constraints = [
            models.CheckConstraint(
                name="schedule_due_after_start", condition=Q(due_date__gte=models.F("start_date"))
            ),
            models.CheckConstraint(
                name="schedule_status_valid", condition=Q(status__in=ScheduleStatus.values)
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("inspections:schedule", args=[self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.status == ScheduleStatus.CANCELLED

    # ---- who may do what -----------------------------------------------------------------

    def action_checks(self) -> dict[str, Callable[[Any], object]]:
        return {
            "replan": self.check_replan,
            "cancel": self._check_cancel,
            "reinstate": self._check_reinstate,
            "record": self.check_record,
        }

    def _require_planner(self, user: Any) -> None:
        if is_superuser(user):
            return
        membership = membership_of(user)
        if (
            membership is None
            or membership.role != Role.BUREAU_ADMIN
            or membership.bureau_id != self.bureau_id
        ):
            raise NotAllowed(_planner_message())

    def check_replan(self, user: Any) -> None:
        if self.is_cancelled:
            raise Refused(gettext("This schedule was cancelled: reinstate it first."))
        self._require_planner(user)

    # Who before what: a role that may never take the step hears so (403), whatever the state.
    def _check_cancel(self, user: Any) -> None:
        self._require_planner(user)
        if self.is_cancelled:
            raise Refused(gettext("This schedule has already been cancelled."))

    def _check_reinstate(self, user: Any) -> None:
        self._require_planner(user)
        if not self.is_cancelled:
            raise Refused(gettext("Only a cancelled schedule can be reinstated."))

    def check_record(self, user: Any) -> None:
        """Record an inspection for this round: while it is planned, by those who may record
        its kind in its district."""
        if self.is_cancelled:
            raise Refused(gettext("This schedule was cancelled: reinstate it first."))
        membership = membership_of(user)
        in_district = is_superuser(user) or (
            membership is not None and membership.bureau_id == self.bureau_id
        )
        if not in_district or self.kind not in kinds_for(user):
            raise NotAllowed(gettext("Your role may not record this kind of inspection."))

    # ---- the steps -----------------------------------------------------------------------

    def _event(
        self,
        user: Any,
        kind: str,
        comment: str = "",
        *,
        from_status: str = "",
        data: dict[str, Any] | None = None,
    ) -> ScheduleEvent:
        return ScheduleEvent.objects.create(
            schedule=self,
            actor=user,
            kind=kind,
            comment=comment,
            from_status=from_status,
            to_status=self.status,
            data=data or {},
        )

    def _check_plan(self, values: dict[str, Any]) -> None:
        unknown = set(values) - {*SCHEDULE_FIELDS, *SCHEDULE_M2M}
        if unknown:
            raise ValueError(", ".join(sorted(unknown)))
        start = values.get("start_date", self.start_date)
        due = values.get("due_date", self.due_date)
        if start and due and due < start:
            raise Invalid(gettext("The due date cannot be before the start."))

    def _changed_relations(self, values: dict[str, Any]) -> list[str]:
        """Of the schools and departments given, the names of those that differ."""
        return [
            name
            for name in SCHEDULE_M2M
            if name in values
            and set(getattr(self, name).values_list("pk", flat=True))
            != {o.pk for o in values[name]}
        ]

    def replan(
        self, user: Any, *, version: int | None = None, **values: Any
    ) -> ScheduleEvent | None:
        """Change the plan (name, period, kind, schools…); the event names the changed fields.

        `version`: the plan as the user read it (refused with `Stale` if someone saved since).
        Inspections already recorded stay; coverage is worked out again from the new plan.
        """
        self.check_replan(user)
        self._check_plan(values)
        if version is not None:
            self.version = version
        changes = {n: values[n] for n in SCHEDULE_FIELDS if n in values}
        changes = {n: v for n, v in changes.items() if getattr(self, n) != v}
        relations = self._changed_relations(values)
        if not changes and not relations:
            return None
        with transaction.atomic():
            # Even a change of schools alone moves the version: nobody re-plans a stale copy.
            guarded_update(
                self,
                changes,
                user=user,
                expect={"status": ScheduleStatus.PLANNED},
                action=ChangeAction.UPDATE,
            )
            for name in relations:
                getattr(self, name).set(values[name])
            changed = [*changes, *relations]
            # Field names, not labels: the history is shown in the reader's language.
            return self._event(user, ScheduleEventKind.CHANGED, data={"fields": changed})

    def cancel(self, user: Any, reason: str) -> ScheduleEvent:
        """Call the round off (it no longer counts as due); the reason is required."""
        self._check_cancel(user)
        if not reason.strip():
            raise Invalid(gettext("Give a reason for cancelling."))
        changes = {"status": ScheduleStatus.CANCELLED, "cancel_reason": reason.strip()}
        with transaction.atomic():
            guarded_update(self, changes, user=user, expect={"status": ScheduleStatus.PLANNED})
            return self._event(
                user,
                ScheduleEventKind.CANCELLED,
                self.cancel_reason,
                from_status=ScheduleStatus.PLANNED,
            )

    def reinstate(self, user: Any) -> ScheduleEvent:
        """Put a cancelled round back on the plan."""
        self._check_reinstate(user)
        changes = {"status": ScheduleStatus.PLANNED}
        with transaction.atomic():
            guarded_update(self, changes, user=user, expect={"status": ScheduleStatus.CANCELLED})
            return self._event(
                user, ScheduleEventKind.REINSTATED, from_status=ScheduleStatus.CANCELLED
            )

    def _announce_planned(self, user: Any) -> None:
        """Tell the departments taking part and the schools to be inspected (in the step's
        transaction)."""
        about = About(
            bureau_id=self.bureau_id,
            school_ids=ids(self.target_schools().only("pk")),
            department_ids=ids(self.departments.only("pk")),
        )
        params = {
            "title": self.title,
            "start": self.start_date.isoformat(),
            "due": self.due_date.isoformat(),
        }
        announce(
            NotificationKind.INSPECTION_SCHEDULED,
            about,
            actor=user,
            params=params,
            link=self.get_absolute_url(),
            code=self.title[:100],
        )

    def target_schools(self) -> models.QuerySet:
        from xiaoan.schools.models import School

        chosen = self.schools.all()
        if chosen.exists():
            return chosen.order_by("code")
        # The schools on the registry on the round's due date: a school added or retired
        # later changes neither the round's list nor its figures.
        schools = School.objects.filter(bureau=self.bureau_id).as_of(self.due_date)
        if self.school_kinds:
            schools = schools.filter(kind__in=self.school_kinds)
        return schools.order_by("code")

    def matching_inspections(self) -> models.QuerySet[Inspection]:
        """Submitted inspections that count for this round: of its kind, in its window,
        or recorded against it."""
        in_window = Q(kind=self.kind, date__gte=self.start_date, date__lte=self.due_date)
        return Inspection.objects.filter(
            in_window | Q(schedule=self),
            status=InspectionStatus.SUBMITTED,
            school__in=self.target_schools(),
        )

    def coverage(self) -> list[CoverageRow]:
        """Every target school with its earliest counting inspection (None: still due)."""
        found: dict[int, Inspection] = {}
        inspections = self.matching_inspections().select_related("created_by")
        inspections = inspections.prefetch_related("departments", "inspectors")
        for inspection in inspections.order_by("date", "id"):
            found.setdefault(inspection.school_id, inspection)
        return [CoverageRow(s, found.get(s.pk)) for s in self.target_schools()]

    def is_late(self, today: datetime.date | None = None) -> bool:
        """Past its due date and still on the plan (a cancelled round is no longer due)."""
        from xiaoan.core.dates import local_today

        return not self.is_cancelled and (today or local_today()) > self.due_date

    def figures(self, today: datetime.date | None = None) -> dict[str, int]:
        rows = self.coverage()
        done = sum(1 for r in rows if r.inspection is not None)
        return {
            "total": len(rows),
            "inspected": done,
            "due": len(rows) - done,
            "overdue": len(rows) - done if self.is_late(today) else 0,
        }


class ScheduleEvent(WorkflowEvent):
    """A step in a schedule's life: planned, re-planned (`data["fields"]`: which fields),
    cancelled (the reason as comment), reinstated."""

    schedule = models.ForeignKey(
        InspectionSchedule, models.CASCADE, related_name="events", verbose_name=_("schedule")
    )
    kind = models.CharField(_("kind"), max_length=25, choices=ScheduleEventKind.choices)

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("schedule event")
        verbose_name_plural = _("schedule events")

    def __str__(self) -> str:
        return f"{self.schedule} · {self.get_kind_display()}"

    def details(self) -> str:
        """The comment for the reader: a re-plan names the changed fields in their language."""
        if self.kind != ScheduleEventKind.CHANGED:
            return self.comment
        meta = InspectionSchedule._meta
        names = self.data.get("fields", [])
        return "、".join(str(getattr(meta.get_field(n), "verbose_name", n)) for n in names)
