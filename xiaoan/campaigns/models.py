"""Campaigns (专项行动) the bureau runs, and the work plans (工作方案) schools file against them.

Each step is a model method: it runs its own check (the same check `allowed_actions` runs), then
writes through `core.changelog.guarded_update` (expected state and version in one statement) and
its event row, in one transaction. Views and the API only call them.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.access import has_role, is_superuser, membership_of
from xiaoan.accounts.choices import Role
from xiaoan.core.changelog import guarded_update
from xiaoan.core.dates import local_today
from xiaoan.core.errors import Invalid, NotAllowed, Refused
from xiaoan.core.models import ChangeAction, TimeStampedModel, Versioned, WorkflowEvent
from xiaoan.core.workflow import Actions
from xiaoan.notifications.choices import NotificationKind
from xiaoan.notifications.recipients import About, announce, ids
from xiaoan.notifications.sending import notify

from .choices import CampaignEventKind, CampaignStatus, WorkPlanEventKind, WorkPlanStatus
from .querysets import CampaignQuerySet, WorkPlanChildQuerySet, WorkPlanQuerySet

DOCUMENT_EXTENSIONS = {".pdf", ".doc", ".docx", ".wps", ".ofd", ".xls", ".xlsx", ".jpg", ".png"}
# What each kind of file starts with: a renamed text file is not a document.
_ZIP, _OLE = (b"PK\x03\x04",), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
DOCUMENT_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF",),
    ".doc": _OLE,
    ".xls": _OLE,
    ".wps": _OLE + _ZIP,
    ".docx": _ZIP,
    ".xlsx": _ZIP,
    ".ofd": _ZIP,
    ".jpg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


def check_document(upload: Any) -> None:
    """Refuse uploads that are not office documents or are too large (message for the user)."""
    name = str(getattr(upload, "name", "")).lower()
    if not any(name.endswith(ext) for ext in DOCUMENT_EXTENSIONS):
        raise ValidationError(
            gettext("Upload a PDF, Word, WPS, OFD, Excel or picture file."), code="file_type"
        )
    if not _starts_as_its_kind(upload, name):
        raise ValidationError(
            gettext(
                "The file is not a real %(kind)s file or is damaged; check it and upload again."
            )
            % {"kind": name.rsplit(".", 1)[-1].upper()},
            code="file_content",
        )
    size = getattr(upload, "size", 0) or 0
    if size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            gettext("The file is too large; the limit is %(limit)s MB.")
            % {"limit": settings.MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="too_large",
        )


def _starts_as_its_kind(upload: Any, name: str) -> bool:
    signatures = next(sig for ext, sig in DOCUMENT_SIGNATURES.items() if name.endswith(ext))
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    return any(bytes(head).startswith(sig) for sig in signatures)


def random_upload_to(folder: str) -> Any:
    # Random names: the original name is kept in the row, never trusted as a path.
    def path(instance: Any, filename: str) -> str:
        suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        return f"{folder}/{uuid.uuid4().hex}{suffix}"

    return path


def campaign_file_path(instance: Any, filename: str) -> str:
    return random_upload_to("campaigns")(instance, filename)


def workplan_file_path(instance: Any, filename: str) -> str:
    return random_upload_to("workplans")(instance, filename)


# Who runs a bureau's campaigns: its safety section, at a district, a city or a province.
CAMPAIGN_MANAGERS = (Role.BUREAU_ADMIN, Role.CITY_ADMIN, Role.PROVINCE_ADMIN)


class Campaign(Actions, Versioned, TimeStampedModel):
    """A school-safety special action of one district, over a period, with focus areas.

    A city's or a province's bureau starts a campaign for its districts: each district's
    bureau adopts it (`adopt`), which makes the district's own campaign (`parent` names the
    one it follows) with the district's work plan, and its schools file theirs against it.
    """

    bureau = models.ForeignKey(
        "schools.Bureau", models.PROTECT, related_name="campaigns", verbose_name=_("bureau")
    )
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="adoptions",
        verbose_name=_("follows the campaign of"),
    )
    name = models.CharField(_("name"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    focus_areas = models.ManyToManyField(
        "hazards.Area", blank=True, related_name="campaigns", verbose_name=_("focus areas")
    )
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.PLANNED
    )
    notice_title = models.CharField(_("notice it follows"), max_length=200, blank=True)
    notice_file = models.FileField(
        _("notice (attachment)"), upload_to=campaign_file_path, blank=True
    )
    notice_file_name = models.CharField(_("notice file name"), max_length=200, blank=True)
    plan_file = models.FileField(
        _("bureau work plan (attachment)"), upload_to=campaign_file_path, blank=True
    )
    plan_file_name = models.CharField(_("work plan file name"), max_length=200, blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                name="campaign_ends_after_start",
                condition=models.Q(end_date__gte=models.F("start_date")),
            ),
            models.CheckConstraint(
                name="campaign_status_valid", condition=Q(status__in=CampaignStatus.values)
            ),
            models.UniqueConstraint(
                fields=["bureau", "parent"],
                condition=Q(parent__isnull=False),
                name="campaign_adopted_once_per_bureau",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campaigns:detail", args=[self.pk])

    # ---- who may take which step now -------------------------------------------------------

    def action_checks(self) -> dict[str, Callable[[Any], object]]:
        return {
            "edit": self.check_edit,
            "start": self.check_start,
            "close": self.check_close,
            "remind": self.check_remind,
            "adopt": self.check_adopt,
        }

    @property
    def is_from_above(self) -> bool:
        """A city's or a province's campaign, which its districts adopt."""
        from xiaoan.schools.choices import RegionLevel

        return bool(self.bureau.region.level != RegionLevel.DISTRICT)

    def check_edit(self, user: Any) -> None:
        """The safety section of the campaign's own bureau (another level only reads it)."""
        membership = membership_of(user)
        own = membership is not None and membership.bureau_id == self.bureau_id
        if not has_role(user, *CAMPAIGN_MANAGERS) or not (own or is_superuser(user)):
            raise NotAllowed(gettext("Only the bureau safety section may do this."))

    def check_adopt(self, user: Any) -> None:
        """A district's safety section adopts its city's or province's campaign, once."""
        membership = membership_of(user)
        if membership is None or membership.role != Role.BUREAU_ADMIN:
            raise NotAllowed(gettext("Only a district's safety section adopts a campaign."))
        if not self.is_from_above:
            raise Refused(gettext("Only a city's or a province's campaign is adopted."))
        if self.status == CampaignStatus.CLOSED:
            raise Refused(gettext("The campaign is closed."))
        if self.adoptions.filter(bureau=membership.bureau_id).exists():
            raise Refused(gettext("Your district has already adopted this campaign."))

    def check_start(self, user: Any) -> None:
        self.check_edit(user)
        if self.status != CampaignStatus.PLANNED:
            raise Refused(gettext("Only a planned campaign can be started."))

    def check_close(self, user: Any) -> None:
        self.check_edit(user)
        if self.status != CampaignStatus.RUNNING:
            raise Refused(gettext("Only a running campaign can be closed."))

    def check_remind(self, user: Any) -> None:
        self.check_edit(user)
        if self.status == CampaignStatus.CLOSED:
            raise Refused(gettext("The campaign is closed."))
        if not self.schools_without_plan().exists():
            raise Refused(gettext("Every school has filed its work plan."))

    # ---- the steps -------------------------------------------------------------------------

    def start(self, user: Any) -> CampaignEvent:
        """Start the campaign: every school it concerns is told to read the notice and file
        its work plan (in the same transaction)."""
        self.check_start(user)
        with transaction.atomic():
            event = self._apply(user, CampaignEventKind.STARTED, CampaignStatus.RUNNING)
            params = {
                "campaign": self.name,
                "start": self.start_date.isoformat(),
                "end": self.end_date.isoformat(),
            }
            about = About(bureau_id=self.bureau_id, school_ids=ids(self.target_schools()))
            kind = NotificationKind.CAMPAIGN_STARTED
            if self.is_from_above:  # the districts' safety sections adopt it
                kind = NotificationKind.CAMPAIGN_TO_ADOPT
            announce(
                kind,
                about,
                actor=user,
                params=params,
                link=self.get_absolute_url(),
                code=self.name[:100],
            )
        return event

    def adopt(self, user: Any) -> Campaign:
        """The district's own campaign following this one: same name, period, focus areas
        and notice, planned, for the district to add its work plan and start."""
        self.check_adopt(user)
        membership = membership_of(user)
        assert membership is not None
        with transaction.atomic():
            campaign = Campaign.objects.create(
                bureau_id=membership.bureau_id,
                parent=self,
                name=self.name,
                start_date=self.start_date,
                end_date=self.end_date,
                description=self.description,
                notice_title=self.notice_title or self.name,
            )
            campaign.focus_areas.set(self.focus_areas.all())
            campaign._event(user, CampaignEventKind.ADOPTED)
        return campaign

    def close(self, user: Any) -> CampaignEvent:
        self.check_close(user)
        return self._apply(user, CampaignEventKind.CLOSED, CampaignStatus.CLOSED)

    def _apply(self, user: Any, kind: str, status: str) -> CampaignEvent:
        """The one write of a status change: guarded on state and version, with its event."""
        previous = self.status
        with transaction.atomic():
            guarded_update(self, {"status": status}, user=user, expect={"status": previous})
            return self._event(user, kind, from_status=previous, to_status=status)

    def _event(self, user: Any, kind: str, **fields: Any) -> CampaignEvent:
        return CampaignEvent.objects.create(campaign=self, actor=user, kind=kind, **fields)

    def target_schools(self) -> models.QuerySet:
        """Every school of the district answers the campaign with a work plan: those on the
        registry at its end (today, while it runs)."""
        from xiaoan.schools.models import School

        return School.objects.filter(bureau=self.bureau_id).as_of(self.counted_on())

    def counted_on(self) -> datetime.date:
        """The day the campaign's schools are counted: its end, or today while it runs."""
        return min(self.end_date, local_today())

    def schools_without_plan(self) -> models.QuerySet:
        """Schools that have not filed (submitted or accepted) a work plan."""
        filed = self.work_plans.filter(
            status__in=[WorkPlanStatus.SUBMITTED, WorkPlanStatus.ACCEPTED]
        ).values("school")
        return self.target_schools().exclude(pk__in=filed)

    def remind_missing(self, user: Any, comment: str = "") -> list[CampaignEvent]:
        """Record a reminder for every school still owing its plan and tell its safety
        administrators (in the app, and by email once committed); returns the events."""
        self.check_remind(user)
        with transaction.atomic():
            events = [
                self._event(user, CampaignEventKind.REMINDED, school=school, comment=comment)
                for school in self.schools_without_plan()
            ]
            self._notify_reminded([event.school for event in events])
        return events

    def _notify_reminded(self, schools: list[Any]) -> None:
        from xiaoan.accounts.models import Membership

        admins = Membership.objects.filter(
            school__in=schools, role=Role.SCHOOL_ADMIN, is_active=True
        ).select_related("user")
        link = reverse("campaigns:detail", args=[self.pk])
        for membership in admins:
            notify(
                membership.user,
                NotificationKind.WORK_PLAN_MISSING,
                {"campaign": self.name},
                link=link,
                key=f"campaign:{self.pk}:school:{membership.school_id}",
            )

    def plan_for(self, school: Any) -> WorkPlan:
        """The school's plan, created empty (draft) the first time it is opened."""
        plan, _ = WorkPlan.objects.get_or_create(campaign=self, school=school)
        return plan


class CampaignEvent(WorkflowEvent):
    """A step in a campaign's life: started, closed, a school reminded (never edited)."""

    campaign = models.ForeignKey(
        Campaign, models.CASCADE, related_name="events", verbose_name=_("campaign")
    )
    school = models.ForeignKey(
        "schools.School",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="campaign_events",
        verbose_name=_("school"),
    )
    kind = models.CharField(_("kind"), max_length=25, choices=CampaignEventKind.choices)

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("campaign event")
        verbose_name_plural = _("campaign events")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.get_kind_display()}"


class WorkPlan(Actions, Versioned, TimeStampedModel):
    """A school's own work plan for a campaign: a text per area and/or an attached document."""

    campaign = models.ForeignKey(
        Campaign, models.PROTECT, related_name="work_plans", verbose_name=_("campaign")
    )
    school = models.ForeignKey(
        "schools.School", models.PROTECT, related_name="work_plans", verbose_name=_("school")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=WorkPlanStatus.choices, default=WorkPlanStatus.DRAFT
    )
    summary = models.TextField(_("overall plan"), blank=True)
    document = models.FileField(_("document"), upload_to=workplan_file_path, blank=True)
    document_name = models.CharField(_("document file name"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_comment = models.TextField(_("review comment"), blank=True)

    objects = WorkPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["campaign", "school__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "school"], name="workplan_one_per_school_and_campaign"
            ),
            models.CheckConstraint(
                name="workplan_status_valid", condition=Q(status__in=WorkPlanStatus.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} · {self.campaign}"

    def get_absolute_url(self) -> str:
        return reverse("campaigns:plan", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in (WorkPlanStatus.DRAFT, WorkPlanStatus.RETURNED)

    @property
    def is_filed(self) -> bool:
        return self.status in (WorkPlanStatus.SUBMITTED, WorkPlanStatus.ACCEPTED)

    # ---- who may take which step now -------------------------------------------------------

    def action_checks(self) -> dict[str, Callable[[Any], object]]:
        return {
            "edit": self.check_edit,
            "submit": self.check_submit,
            "accept": self.check_review,
            "return": self.check_review,
        }

    def check_school_admin(self, user: Any) -> None:
        membership = membership_of(user)
        own = membership is not None and membership.school_id == self.school_id
        if not (has_role(user, Role.SCHOOL_ADMIN) and (own or user.is_superuser)):
            raise NotAllowed(gettext("Only the school's safety administrator may do this."))

    def check_edit(self, user: Any) -> None:
        self.check_school_admin(user)
        if not self.is_editable:
            raise Refused(gettext("A filed work plan cannot be changed."))

    def check_submit(self, user: Any) -> None:
        self.check_school_admin(user)
        if not self.is_editable:
            raise Refused(gettext("This work plan has already been submitted."))

    def check_review(self, user: Any) -> None:
        if not has_role(user, Role.BUREAU_ADMIN):
            raise NotAllowed(gettext("Only the bureau safety section may review plans."))
        if self.status != WorkPlanStatus.SUBMITTED:
            raise Refused(gettext("Only a submitted work plan can be reviewed."))

    # ---- the steps -------------------------------------------------------------------------

    def save_draft(
        self,
        user: Any,
        *,
        summary: str,
        sections: dict[Any, str],
        document: Any = None,
    ) -> WorkPlanEvent:
        """Store the plan's text per area (Area → text) and the document; still editable.
        Refused (`Stale`) if the plan was saved since this object was read."""
        self.check_edit(user)
        changes: dict[str, Any] = {"summary": summary.strip()}
        if document is not None:
            check_document(document)
        with transaction.atomic():
            if document is not None:
                self.document.save(str(document.name), document, save=False)
                changes["document"] = self.document.name
                changes["document_name"] = str(document.name)[:200]
            event = self._apply(user, WorkPlanEventKind.SAVED, changes, ChangeAction.UPDATE)
            for area, text in sections.items():
                WorkPlanSection.objects.update_or_create(
                    plan=self, area=area, defaults={"text": text.strip()}
                )
        return event

    def submit(self, user: Any) -> WorkPlanEvent:
        self.check_submit(user)
        has_text = self.summary or self.sections.exclude(text="").exists()
        if not has_text and not self.document:
            raise Invalid(
                gettext("Write the plan for at least one area or attach the plan document.")
            )
        changes = {"status": WorkPlanStatus.SUBMITTED, "submitted_at": timezone.now()}
        return self._apply(user, WorkPlanEventKind.SUBMITTED, changes)

    def accept(self, user: Any, comment: str = "") -> WorkPlanEvent:
        self.check_review(user)
        return self._review(user, WorkPlanStatus.ACCEPTED, WorkPlanEventKind.ACCEPTED, comment)

    def return_to_school(self, user: Any, comment: str) -> WorkPlanEvent:
        self.check_review(user)
        if not comment.strip():
            raise Invalid(gettext("Say what the school must change."))
        return self._review(user, WorkPlanStatus.RETURNED, WorkPlanEventKind.RETURNED, comment)

    def _review(self, user: Any, status: str, kind: str, comment: str) -> WorkPlanEvent:
        changes = {
            "status": status,
            "reviewed_by": user,
            "reviewed_at": timezone.now(),
            "review_comment": comment.strip(),
        }
        return self._apply(user, kind, changes, comment=comment.strip())

    # ---- the one place that writes ---------------------------------------------------------

    def _apply(
        self,
        user: Any,
        kind: str,
        changes: dict[str, Any],
        action: str = ChangeAction.STATE,
        comment: str = "",
    ) -> WorkPlanEvent:
        """Write `changes` only if nobody saved since this object was read and the state is
        still the one read, then the event row: one transaction (else `Stale`, nothing kept)."""
        previous = self.status
        with transaction.atomic():
            guarded_update(self, changes, user=user, expect={"status": previous}, action=action)
            event = WorkPlanEvent.objects.create(
                plan=self,
                actor=user,
                kind=kind,
                from_status=previous,
                to_status=self.status,
                comment=comment,
            )
            self._announce(event)
            return event

    def _announce(self, event: WorkPlanEvent) -> None:
        notice = PLAN_NOTICES.get(event.kind)  # type: ignore[call-overload]
        if notice is None:
            return
        params = {
            "school": self.school.name,
            "campaign": self.campaign.name,
            "comment": event.comment[:100],
        }
        about = About(bureau_id=self.campaign.bureau_id, school_ids=(self.school_id,))
        link = self.get_absolute_url()
        announce(notice, about, actor=event.actor, params=params, link=link, code=self.school.code)


PLAN_NOTICES = {
    WorkPlanEventKind.SUBMITTED: NotificationKind.WORK_PLAN_SUBMITTED,
    WorkPlanEventKind.RETURNED: NotificationKind.WORK_PLAN_RETURNED,
    WorkPlanEventKind.ACCEPTED: NotificationKind.WORK_PLAN_ACCEPTED,
}


class WorkPlanSection(TimeStampedModel):
    """The plan's text for one of the six areas."""

    plan = models.ForeignKey(
        WorkPlan, models.CASCADE, related_name="sections", verbose_name=_("work plan")
    )
    area = models.ForeignKey(
        "hazards.Area", models.PROTECT, related_name="+", verbose_name=_("area")
    )
    text = models.TextField(_("measures planned"), blank=True)

    objects = WorkPlanChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("work plan section")
        verbose_name_plural = _("work plan sections")
        ordering = ["plan", "area__order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "area"], name="workplansection_one_per_area")
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.area}"


class WorkPlanEvent(WorkflowEvent):
    """A step in a work plan's life, with who and why (never edited)."""

    plan = models.ForeignKey(
        WorkPlan, models.CASCADE, related_name="events", verbose_name=_("work plan")
    )
    kind = models.CharField(_("kind"), max_length=25, choices=WorkPlanEventKind.choices)

    objects = WorkPlanChildQuerySet.as_manager()

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("work plan event")
        verbose_name_plural = _("work plan events")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.plan} · {self.get_kind_display()}"
