"""Monthly reports (月报), official documents (季报, 情况总结材料) and the documents the bureau
issues to schools with receipts (下发文件, 签收).

A monthly report's figures are compiled from the ledger and frozen when submitted; an official
document's figures are frozen when generated and its narrative when issued. Each step is a
method below: it runs its own check (the same check `allowed_actions` runs), then writes through
`core.changelog.guarded_update` (expected state and version in one statement) and its event row,
in one transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.access import has_role, member, membership_of
from xiaoan.accounts.choices import Role
from xiaoan.core.changelog import guarded_update
from xiaoan.core.errors import Invalid, NotAllowed, Refused
from xiaoan.core.models import ChangeAction, TimeStampedModel, Versioned, WorkflowEvent
from xiaoan.core.workflow import Actions
from xiaoan.notifications.choices import NotificationKind
from xiaoan.notifications.recipients import About, announce

# Older code imports the notification from here; it lives in `xiaoan.notifications`.
from .choices import (
    Compliance,
    IssuedKind,
    MonthlyEventKind,
    MonthlyStatus,
    OfficialKind,
    OfficialStatus,
    ReceiptState,
)
from .querysets import (
    DocumentReceiptQuerySet,
    IssuedDocumentQuerySet,
    MonthlyReportQuerySet,
    OfficialReportQuerySet,
)


def due_date_for(year: int, month: int) -> datetime.date:
    """The day a month's report is due: the Nth of the next month (setting, default 5)."""
    day = int(getattr(settings, "XIAOAN_MONTHLY_REPORT_DUE_DAY", 5))
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return datetime.date(year, month, day)


class MonthlyReportManager(models.Manager.from_queryset(MonthlyReportQuerySet)):  # type: ignore[misc]
    pass


class OfficialReportManager(models.Manager.from_queryset(OfficialReportQuerySet)):  # type: ignore[misc]
    pass


def check_month_begun(year: int, month: int) -> None:
    """A month's report describes the past: none for a month that has not begun yet."""
    from xiaoan.core.dates import local_today

    today = local_today()
    if (year, month) > (today.year, today.month):
        raise Invalid(
            gettext(
                "%(year)s-%(month)02d has not begun yet; a report is compiled for this month or a past one."
            )
            % {"year": year, "month": month}
        )


class MonthlyReport(Actions, Versioned, TimeStampedModel):
    """One school's report of one month: figures from the ledger plus the school's narrative."""

    school = models.ForeignKey(
        "schools.School", models.PROTECT, related_name="monthly_reports", verbose_name=_("school")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    status = models.CharField(
        _("status"), max_length=10, choices=MonthlyStatus.choices, default=MonthlyStatus.DRAFT
    )
    narrative = models.TextField(_("narrative"), blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    is_nil = models.BooleanField(_("nil report"), default=False)
    compiled_at = models.DateTimeField(_("compiled at"), null=True, blank=True)
    due_date = models.DateField(_("due date"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
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

    objects = MonthlyReportManager()

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-year", "-month", "school__code"]
        # The list's months in order for any reach (a school's: the unique constraint's
        # index), with the school and the id for its page's keys without reading the rows.
        indexes = [
            models.Index(fields=["year", "month", "school", "id"], name="monthlyreport_month_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "month"], name="monthlyreport_unique_school_month"
            ),
            models.CheckConstraint(
                name="monthlyreport_month_1_12", condition=Q(month__gte=1, month__lte=12)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.year}-{self.month:02d}"

    def get_absolute_url(self) -> str:
        return reverse("reports:monthly_detail", args=[self.pk])

    @classmethod
    def for_month(cls, school: Any, year: int, month: int) -> MonthlyReport:
        """The school's report of the month, created as an empty draft if there is none."""
        check_month_begun(year, month)
        report, _created = cls.objects.get_or_create(
            school=school,
            year=year,
            month=month,
            defaults={"due_date": due_date_for(year, month)},
        )
        return report

    @classmethod
    def start(cls, user: Any, year: int, month: int, narrative: str | None = None) -> MonthlyReport:
        """The school admin opens the school's report of a month, recounted while still open."""
        report = cls.for_month(cls.check_start(user), year, month)
        if not report.is_locked:
            report.compile(user, narrative)
        return report

    @staticmethod
    def check_start(user: Any) -> Any:
        """The school whose reports `user` may start: a school admin's own (else NotAllowed)."""
        membership = member(user)
        if membership.role != Role.SCHOOL_ADMIN or membership.school is None:
            raise NotAllowed(gettext("Only the school's safety administrator may do this."))
        return membership.school

    @property
    def is_locked(self) -> bool:
        return self.status in (MonthlyStatus.SUBMITTED, MonthlyStatus.ACCEPTED)

    @property
    def drill_lines(self) -> dict[str, Any] | None:
        """The month's drills as the page says them (stored as codes, translated here)."""
        from xiaoan.registers.choices import DrillPeriod, DrillScenario

        drills = (self.figures or {}).get("drills")
        if not drills:
            return None
        held = [
            f"{DrillScenario(code).label} {n}" for code, n in sorted(drills["by_scenario"].items())
        ]
        short = [
            gettext("%(scenario)s: %(done)s of %(required)s %(period)s%(state)s")
            % {
                "scenario": DrillScenario(item["scenario"]).label,
                "done": item["done"],
                "required": item["required"],
                "period": DrillPeriod(item["period"]).label,
                "state": gettext(" (behind)") if item["behind"] else "",
            }
            for item in drills["short"]
        ]
        return {"held": drills["held"], "by_scenario": held, "short": short}

    @property
    def risk_line(self) -> str:
        """The school's risk register at the month's end, as the page says it (or empty)."""
        from xiaoan.risks.choices import RiskLevel

        risks = (self.figures or {}).get("risks")
        if not risks:
            return ""
        levels = "，".join(
            f"{RiskLevel(code).label} {n}" for code, n in risks["by_level"].items() if n
        )
        text = gettext("%(total)s risk points (%(levels)s)") % {
            "total": risks["total"],
            "levels": levels,
        }
        if risks["to_reassess"]:
            text += gettext("; %(n)s to be re-assessed after a recurring hazard") % {
                "n": risks["to_reassess"]
            }
        return text

    @property
    def food_lines(self) -> list[str]:
        """The month's daily food-safety control as the page says it (a canteen school's)."""
        food = (self.figures or {}).get("food")
        if not food:
            return []
        lines = [
            gettext(
                "morning checks on %(checks)s days, %(checked)s workers checked, %(unwell)s "
                "with symptoms, %(off_duty)s sent off duty"
            )
            % food,
            gettext(
                "%(samples)s food samples, %(meals_sampled)s meals sampled in time, "
                "%(missed)s meals without a sample by their end"
            )
            % {**food, "missed": food["missed"] + food["late"]},
            gettext("%(accompanied)s accompanying meals, %(meal_problems)s problems found") % food,
            gettext("%(certificates)s supplier certificates received") % food,
        ]
        return lines

    # ---- who may take which step now -------------------------------------------------------

    def action_checks(self) -> dict[str, Callable[[Any], object]]:
        return {
            "compile": self.check_compile,
            "submit": self.check_submit,
            "return": self.check_return,
            "accept": self.check_accept,
        }

    def check_school_admin(self, user: Any) -> None:
        membership = membership_of(user)
        if (
            membership is None
            or membership.role != Role.SCHOOL_ADMIN
            or (membership.school_id != self.school_id)
        ):
            raise NotAllowed(gettext("Only the school's safety administrator may do this."))

    def check_reviewer(self, user: Any) -> None:
        if not has_role(user, Role.BUREAU_ADMIN):
            raise NotAllowed(gettext("Only the bureau's safety officer may review reports."))

    def check_compile(self, user: Any) -> None:
        self.check_school_admin(user)
        if self.is_locked:
            raise Refused(gettext("A submitted report is frozen: it cannot be recompiled."))
        check_month_begun(self.year, self.month)

    def check_submit(self, user: Any) -> None:
        self.check_school_admin(user)
        if self.status not in (MonthlyStatus.DRAFT, MonthlyStatus.RETURNED):
            raise Refused(gettext("Only a draft or returned report can be submitted."))

    def check_return(self, user: Any) -> None:
        self.check_reviewer(user)
        if self.status != MonthlyStatus.SUBMITTED:
            raise Refused(gettext("Only a submitted report can be returned."))

    def check_accept(self, user: Any) -> None:
        self.check_reviewer(user)
        if self.status != MonthlyStatus.SUBMITTED:
            raise Refused(gettext("Only a submitted report can be accepted."))

    # ---- the steps -------------------------------------------------------------------------

    def compile(self, user: Any, narrative: str | None = None) -> MonthlyReportEvent:
        """Recount the figures from the ledger now (and save the narrative, if given)."""
        self.check_compile(user)
        from .compile import school_month_figures

        figures = school_month_figures(self.school, self.year, self.month)
        changes: dict[str, Any] = {
            "figures": figures,
            "is_nil": figures["nil"],
            "compiled_at": timezone.now(),
        }
        if narrative is not None:
            changes["narrative"] = narrative.strip()
        return self._apply(user, MonthlyEventKind.COMPILED, changes, action=ChangeAction.UPDATE)

    def submit(self, user: Any, narrative: str | None = None) -> MonthlyReportEvent:
        """Compile once more and lock: the figures are frozen as they stand now."""
        self.check_submit(user)
        with transaction.atomic():
            self.compile(user, narrative)
            now = timezone.now()
            changes = {
                "status": MonthlyStatus.SUBMITTED,
                "submitted_at": now,
                "submitted_by": user,
                "first_submitted_at": self.first_submitted_at or now,
            }
            return self._apply(user, MonthlyEventKind.SUBMITTED, changes)

    def return_for_changes(self, user: Any, comment: str) -> MonthlyReportEvent:
        self.check_return(user)
        if not comment.strip():
            raise Invalid(gettext("Say what the school must change."))
        return self._review(user, MonthlyStatus.RETURNED, MonthlyEventKind.RETURNED, comment)

    def accept(self, user: Any, comment: str = "") -> MonthlyReportEvent:
        self.check_accept(user)
        return self._review(user, MonthlyStatus.ACCEPTED, MonthlyEventKind.ACCEPTED, comment)

    def _review(self, user: Any, status: str, kind: str, comment: str) -> MonthlyReportEvent:
        changes = {
            "status": status,
            "review_comment": comment.strip(),
            "reviewed_at": timezone.now(),
            "reviewed_by": user,
        }
        return self._apply(user, kind, changes, comment.strip())

    # ---- the one place that writes ---------------------------------------------------------

    def _apply(
        self,
        user: Any,
        kind: str,
        changes: dict[str, Any],
        comment: str = "",
        action: str = ChangeAction.STATE,
    ) -> MonthlyReportEvent:
        """Write `changes` only if nobody saved since this object was read and the state is
        still the one read, then the event row: one transaction (else `Stale`, nothing kept)."""
        previous = self.status
        with transaction.atomic():
            guarded_update(self, changes, user=user, expect={"status": previous}, action=action)
            event = MonthlyReportEvent.objects.create(
                report=self,
                actor=user,
                kind=kind,
                from_status=previous,
                to_status=self.status,
                comment=comment,
            )
            self._announce(event)
            return event

    def _announce(self, event: MonthlyReportEvent) -> None:
        notice = MONTHLY_NOTICES.get(event.kind)  # type: ignore[call-overload]
        if notice is None:
            return
        params = {
            "school": self.school.name,
            "year": self.year,
            "month": self.month,
            "comment": event.comment[:100],
        }
        about = About(bureau_id=self.school.bureau_id, school_ids=(self.school_id,))
        code = f"{self.school.code} {self.year}-{self.month:02d}"
        link = self.get_absolute_url()
        announce(notice, about, actor=event.actor, params=params, link=link, code=code)

    def compliance(self, today: datetime.date) -> str:
        return compliance_of(self, self.year, self.month, today)


MONTHLY_NOTICES = {
    MonthlyEventKind.SUBMITTED: NotificationKind.MONTHLY_SUBMITTED,
    MonthlyEventKind.RETURNED: NotificationKind.MONTHLY_RETURNED,
    MonthlyEventKind.ACCEPTED: NotificationKind.MONTHLY_ACCEPTED,
}


def compliance_of(report: MonthlyReport | None, year: int, month: int, today: datetime.date) -> str:
    """On time, late, returned, missing (past the due date) or not yet due."""
    due = report.due_date if report else due_date_for(year, month)
    if report is not None and report.status == MonthlyStatus.RETURNED:
        return Compliance.RETURNED
    if report is None or report.first_submitted_at is None:
        return Compliance.MISSING if today > due else Compliance.PENDING
    from xiaoan.core.dates import local_date

    submitted_on = local_date(report.first_submitted_at)
    return Compliance.ON_TIME if submitted_on <= due else Compliance.LATE


class MonthlyReportEvent(WorkflowEvent):
    """One step of a monthly report's history; never edited or deleted."""

    report = models.ForeignKey(
        MonthlyReport, models.CASCADE, related_name="events", verbose_name=_("monthly report")
    )
    kind = models.CharField(_("step"), max_length=25, choices=MonthlyEventKind.choices)

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("monthly report event")
        verbose_name_plural = _("monthly report events")

    def __str__(self) -> str:
        return f"{self.report} · {self.get_kind_display()}"


def _changed_label(segment: Any) -> str:
    """A figure changed by hand as the refusal lists it: "8 (computed: 7)" or "8 (typed by hand)"."""
    if segment.computed:
        return gettext("%(typed)s (computed: %(value)s)") % {
            "typed": segment.text,
            "value": segment.computed,
        }
    return gettext("%(typed)s (typed by hand)") % {"typed": segment.text}


class OfficialReport(Actions, Versioned, TimeStampedModel):
    """A document the bureau sends: the quarterly report or a campaign's summary.

    Figures are frozen when generated; the narrative is the bureau's to edit until issued.
    """

    bureau = models.ForeignKey(
        "schools.Bureau",
        models.PROTECT,
        related_name="official_reports",
        verbose_name=_("bureau"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OfficialKind.choices)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("campaign"),
    )
    title = models.CharField(_("title"), max_length=200)
    narrative = models.TextField(_("narrative"))
    figures = models.JSONField(_("figures"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=OfficialStatus.choices, default=OfficialStatus.DRAFT
    )
    generated_at = models.DateTimeField(_("generated at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("generated by"),
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )

    objects = OfficialReportManager()

    class Meta:
        verbose_name = _("official report")
        verbose_name_plural = _("official reports")
        ordering = ["-generated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="officialreport_quarter_1_4",
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
            ),
            models.CheckConstraint(
                name="officialreport_kind_has_scope",
                condition=(
                    Q(kind=OfficialKind.QUARTERLY, year__isnull=False, quarter__isnull=False)
                    | Q(kind=OfficialKind.CAMPAIGN_SUMMARY, campaign__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reports:official_detail", args=[self.pk])

    @property
    def is_issued(self) -> bool:
        return self.status == OfficialStatus.ISSUED

    def action_checks(self) -> dict[str, Callable[[Any], object]]:
        return {"edit": self.check_edit, "issue": self.check_issue}

    def check_editor(self, user: Any) -> None:
        if not has_role(user, Role.BUREAU_ADMIN):
            raise NotAllowed(gettext("Only the bureau's safety officer may edit documents."))

    def check_edit(self, user: Any) -> None:
        self.check_editor(user)
        if self.is_issued:
            raise Refused(gettext("An issued document cannot be changed."))

    def check_issue(self, user: Any) -> None:
        self.check_editor(user)
        if self.is_issued:
            raise Refused(gettext("The document has already been issued."))

    def edit(self, user: Any, *, title: str, narrative: str) -> None:
        """Change the draft's title and text; refused (`Stale`) if saved since it was read."""
        self.check_edit(user)
        if not title.strip():
            raise Invalid(gettext("Give the document a title."))
        changes = {"title": title.strip(), "narrative": narrative.strip()}
        guarded_update(
            self,
            changes,
            user=user,
            expect={"status": OfficialStatus.DRAFT},
            action=ChangeAction.UPDATE,
        )

    def issue(self, user: Any, *, confirm_changed_figures: bool = False) -> None:
        """Sign the document off: its narrative is frozen from now on. A figure changed by hand
        (not the computed one) must have been confirmed, or the step is refused naming them."""
        self.check_issue(user)
        if not confirm_changed_figures:
            from xiaoan.reports.official import hand_changed_figures

            changed = hand_changed_figures(self)
            if changed:
                raise Invalid(
                    gettext(
                        "Some figures differ from the computed ones: check them, then confirm"
                        " to issue. Changed: %(figures)s"
                    )
                    % {"figures": "、".join(_changed_label(s) for s in changed)},
                    field="confirm_changed_figures",
                )
        changes = {
            "status": OfficialStatus.ISSUED,
            "issued_at": timezone.now(),
            "issued_by": user,
        }
        with transaction.atomic():
            guarded_update(self, changes, user=user, expect={"status": OfficialStatus.DRAFT})
            announce(
                NotificationKind.OFFICIAL_ISSUED,
                About(bureau_id=self.bureau_id),
                actor=user,
                params={"title": self.title},
                link=self.get_absolute_url(),
                code=self.title[:100],
            )


def issued_file_path(instance: Any, filename: str) -> str:
    from xiaoan.campaigns.models import random_upload_to

    return str(random_upload_to("documents")(instance, filename))


def default_sign_by() -> datetime.date:
    """The receipt deadline a new document proposes: N days from today (setting, default 5)."""
    from xiaoan.core.dates import local_today

    days = int(getattr(settings, "XIAOAN_RECEIPT_DAYS", 5))
    return local_today() + datetime.timedelta(days=days)


class IssuedDocumentManager(models.Manager.from_queryset(IssuedDocumentQuerySet)):  # type: ignore[misc]
    pass


class IssuedDocument(Actions, Versioned, TimeStampedModel):
    """A notice or document the bureau issues to all or chosen schools (下发文件); each school's
    safety administrator signs for it (签收) by `sign_by`, one `DocumentReceipt` per school."""

    bureau = models.ForeignKey(
        "schools.Bureau", models.PROTECT, related_name="issued_documents", verbose_name=_("bureau")
    )
    kind = models.CharField(_("kind"), max_length=25, choices=IssuedKind.choices)
    title = models.CharField(_("title"), max_length=200)
    number = models.CharField(_("document number"), max_length=60, blank=True)
    body = models.TextField(_("text"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to=issued_file_path, blank=True)
    attachment_name = models.CharField(_("attachment file name"), max_length=200, blank=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("campaign"),
    )
    official_report = models.ForeignKey(
        OfficialReport,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="circulars",
        verbose_name=_("report"),
    )
    sign_by = models.DateField(_("sign by"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("issued document", "issued by"),
    )

    objects = IssuedDocumentManager()

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="issueddocument_kind_valid", condition=Q(kind__in=IssuedKind.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）" if self.number else self.title

    def get_absolute_url(self) -> str:
        return reverse("reports:document_detail", args=[self.pk])

    # ---- issuing ----------------------------------------------------------------------------

    @staticmethod
    def check_issuer(user: Any) -> None:
        if not has_role(user, Role.BUREAU_ADMIN):
            raise NotAllowed(gettext("Only the bureau safety section may issue documents."))

    @classmethod
    def issue(
        cls,
        user: Any,
        *,
        schools: list[Any],
        kind: str,
        title: str,
        sign_by: datetime.date,
        number: str = "",
        body: str = "",
        attachment: Any = None,
        campaign: Any = None,
        official_report: Any = None,
    ) -> IssuedDocument:
        """Issue the document to `schools`: a receipt for each, and each school's safety
        administrators told to read it and sign for it (in the same transaction)."""
        cls.check_issuer(user)
        bureau_id = member(user).bureau_id
        check_issue_input(title, body, attachment, schools, sign_by, bureau_id)
        with transaction.atomic():
            document = cls(
                bureau_id=bureau_id,
                kind=kind,
                title=title.strip(),
                number=number.strip(),
                body=body.strip(),
                campaign=campaign,
                official_report=official_report,
                sign_by=sign_by,
                issued_at=timezone.now(),
                issued_by=user,
            )
            if attachment is not None:
                document.attachment.save(str(attachment.name), attachment, save=False)
                document.attachment_name = str(attachment.name)[:200]
            document.save()
            DocumentReceipt.objects.bulk_create(
                DocumentReceipt(document=document, school=school) for school in schools
            )
            announce(
                NotificationKind.DOCUMENT_ISSUED,
                About(bureau_id=bureau_id, school_ids=tuple(s.pk for s in schools)),
                actor=user,
                params={"title": document.title, "sign_by": sign_by.isoformat()},
                link=document.get_absolute_url(),
                code=(document.number or document.title)[:100],
            )
        return document

    # ---- who may take which step now ---------------------------------------------------------

    def action_checks(self) -> dict[str, Callable[[Any], object]]:
        return {"sign": self.check_sign, "follow": self.check_follow}

    def receipt_for(self, user: Any) -> DocumentReceipt | None:
        """The receipt of the user's school (None for a district account); read from the
        receipts a list prefetched (`IssuedDocumentQuerySet.with_receipts`), if it did."""
        membership = membership_of(user)
        if membership is None or membership.school_id is None:
            return None
        return next((r for r in self.receipts.all() if r.school_id == membership.school_id), None)

    def check_sign(self, user: Any) -> DocumentReceipt:
        """The receipt `user` may sign now: the school admin's own school's, not yet signed."""
        if not has_role(user, Role.SCHOOL_ADMIN):
            raise NotAllowed(
                gettext("Only the school's safety administrator signs for a document.")
            )
        receipt = self.receipt_for(user)
        if receipt is None:
            raise NotAllowed(gettext("This document was not issued to your school."))
        if receipt.signed_at is not None:
            raise Refused(gettext("Your school has already signed for this document."))
        return receipt

    def check_follow(self, user: Any) -> None:
        """Following the receipts (who has signed, the export) is the bureau's."""
        if not has_role(user, Role.BUREAU_ADMIN, Role.BUREAU_LEADER):
            raise NotAllowed(gettext("Only the bureau follows who has signed."))

    # ---- the steps ---------------------------------------------------------------------------

    def sign(self, user: Any) -> DocumentReceipt:
        """The school's safety administrator signs for the document: who and when are kept."""
        receipt = self.check_sign(user)
        changes = {"signed_at": timezone.now(), "signed_by": user}
        if receipt.opened_at is None:
            changes.update(opened_at=changes["signed_at"], opened_by=user)
        guarded_update(receipt, changes, user=user, expect={"signed_at__isnull": True})
        return receipt

    def mark_opened(self, user: Any) -> None:
        """The first time a user of the school opens the document (reading is not signing)."""
        receipt = self.receipt_for(user)
        if receipt is None or receipt.opened_at is not None:
            return
        from xiaoan.core.errors import Stale

        try:
            guarded_update(
                receipt,
                {"opened_at": timezone.now(), "opened_by": user},
                user=user,
                expect={"opened_at__isnull": True},
            )
        except Stale:
            pass  # opened at the same moment by a colleague: the first one counts

    def receipt_rows(self, today: datetime.date) -> list[DocumentReceipt]:
        """Every school's receipt, the late ones first (not signed past the deadline, not
        signed yet, signed late, signed), then by school code."""
        rows = list(self.receipts.all())
        for r in rows:
            r.state = r.state_on(today)
            r.state_label = str(ReceiptState(r.state).label)
        return sorted(rows, key=lambda r: (RECEIPT_ORDER.index(r.state), r.school.code))


RECEIPT_ORDER: list[str] = [
    ReceiptState.OVERDUE,
    ReceiptState.AWAITING,
    ReceiptState.SIGNED_LATE,
    ReceiptState.SIGNED,
]


def check_issue_input(
    title: str,
    body: str,
    attachment: Any,
    schools: list[Any],
    sign_by: datetime.date,
    bureau_id: int,
) -> None:
    """What every issued document needs, whoever issues it; the form asks the same before
    the file is stored (the first failing rule, at its field, as `Invalid`)."""
    from xiaoan.core.dates import local_today

    if not title.strip():
        raise Invalid(gettext("Give the document a title."), field="title")
    if not body.strip() and not attachment:
        raise Invalid(gettext("Write the text or attach the document."), field="body")
    if not schools:
        raise Invalid(gettext("Choose the schools the document goes to."), field="to_all")
    if any(s.bureau_id != bureau_id for s in schools):
        raise Invalid(gettext("A document goes only to the district's schools."), field="schools")
    if sign_by < local_today():
        raise Invalid(gettext("The deadline to sign cannot be in the past."), field="sign_by")
    if attachment is not None and hasattr(attachment, "read"):
        from django.core.exceptions import ValidationError

        from xiaoan.campaigns.models import check_document

        try:
            check_document(attachment)
        except ValidationError as error:
            raise Invalid(" ".join(error.messages), field="attachment") from error


class DocumentReceipt(Versioned, TimeStampedModel):
    """One school's receipt of an issued document: when it was first opened, and who signed
    for it when (签收). Signing is the step; opening alone is not signing."""

    document = models.ForeignKey(
        IssuedDocument,
        models.CASCADE,
        related_name="receipts",
        verbose_name=_("issued document"),
    )
    school = models.ForeignKey(
        "schools.School", models.PROTECT, related_name="receipts", verbose_name=_("school")
    )
    opened_at = models.DateTimeField(_("first opened at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("first opened by"),
    )
    signed_at = models.DateTimeField(pgettext_lazy("receipt", "signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("receipt", "signed by"),
    )
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    objects = DocumentReceiptQuerySet.as_manager()

    # Set on the rows of `IssuedDocument.receipt_rows` (a ReceiptState and its label).
    state: str = ""
    state_label: str = ""

    class Meta:
        verbose_name = _("document receipt")
        verbose_name_plural = _("document receipts")
        ordering = ["document", "school__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "school"], name="documentreceipt_one_per_school"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} · {self.school}"

    def get_absolute_url(self) -> str:
        return self.document.get_absolute_url()

    def state_on(self, today: datetime.date) -> str:
        from xiaoan.core.dates import local_date

        if self.signed_at is not None:
            late = local_date(self.signed_at) > self.document.sign_by
            return ReceiptState.SIGNED_LATE if late else ReceiptState.SIGNED
        return ReceiptState.OVERDUE if today > self.document.sign_by else ReceiptState.AWAITING

    def days_late(self, today: datetime.date) -> int:
        """Days past the deadline: to the signature, or to today while unsigned (0: on time)."""
        from xiaoan.core.dates import local_date

        until = local_date(self.signed_at) if self.signed_at is not None else today
        return max((until - self.document.sign_by).days, 0)


class MonthEndBatch(TimeStampedModel):
    """A district's figures as they stood at the end of a month, computed once it was over.

    Never changed afterwards: a correction is a later batch of the same month with its reason,
    and readers take the latest batch of each month (`reports.monthend`).
    """

    bureau = models.ForeignKey(
        "schools.Bureau", models.PROTECT, related_name="month_end_batches", verbose_name=_("bureau")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    reason = models.CharField(
        _("reason for the correction"), max_length=200, blank=True, help_text=_("Empty: the first.")
    )

    class Meta:
        verbose_name = _("month-end figures")
        verbose_name_plural = _("month-end figures")
        indexes = [models.Index(fields=["bureau", "month", "id"], name="monthend_batch_idx")]
        constraints = [
            models.CheckConstraint(name="monthend_batch_first_day", condition=Q(month__day=1))
        ]

    def __str__(self) -> str:
        return f"{self.bureau_id} {self.month:%Y-%m}"


class MonthEndCounts(models.Model):
    """The six figures a month end keeps (`monthend.COUNTS`), per school or summed per area."""

    found = models.PositiveIntegerField(_("found by the month's end"), default=0)
    found_in_month = models.PositiveIntegerField(_("found in the month"), default=0)
    closed = models.PositiveIntegerField(_("closed by the month's end"), default=0)
    closed_in_month = models.PositiveIntegerField(_("closed in the month"), default=0)
    open = models.PositiveIntegerField(_("open at the month's end"), default=0)
    overdue = models.PositiveIntegerField(_("overdue at the month's end"), default=0)

    class Meta:
        abstract = True


class MonthEndFigure(MonthEndCounts):
    """One school's hazards of one area, level and campaign at a month's end (its batch's)."""

    batch = models.ForeignKey(
        MonthEndBatch, models.CASCADE, related_name="figures", verbose_name=_("month-end figures")
    )
    school = models.ForeignKey(
        "schools.School", models.PROTECT, related_name="+", verbose_name=_("school")
    )
    area = models.ForeignKey(
        "hazards.Area", models.PROTECT, related_name="+", verbose_name=_("area")
    )
    level = models.CharField(_("hazard level"), max_length=10)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("campaign"),
    )

    class Meta:
        verbose_name = _("month-end figure")
        verbose_name_plural = _("month-end figures")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "school", "area", "level", "campaign"],
                name="monthend_figure_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.batch} {self.school_id} {self.area_id} {self.level}"


class MonthEndAreaTotal(MonthEndCounts):
    """One area's figures of a batch, its schools, levels and campaigns summed: what a city's
    or a province's trend reads (a hundred districts' twelve months are 7,200 rows, where
    their schools' figures are some 760,000). Written with the batch, never changed."""

    batch = models.ForeignKey(
        MonthEndBatch,
        models.CASCADE,
        related_name="area_totals",
        verbose_name=_("month-end figures"),
    )
    area = models.ForeignKey(
        "hazards.Area", models.PROTECT, related_name="+", verbose_name=_("area")
    )

    class Meta:
        verbose_name = _("month-end area total")
        verbose_name_plural = _("month-end area totals")
        constraints = [
            models.UniqueConstraint(fields=["batch", "area"], name="monthend_area_total_unique")
        ]

    def __str__(self) -> str:
        return f"{self.batch} {self.area_id}"
