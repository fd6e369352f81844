"""Monthly reports (月报), official documents (季报, 情况总结材料), notifications, reminders.

A monthly report's figures are compiled from the ledger and frozen when submitted; an official
document's figures are frozen when generated and its narrative when issued. Transitions are the
methods below: each checks state and role, runs in a transaction and writes its event row.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.access import membership_of
from xiaoan.accounts.choices import Role
from xiaoan.core.models import TimeStampedModel

from .choices import (
    Compliance,
    MonthlyEventKind,
    MonthlyStatus,
    OfficialKind,
    OfficialStatus,
    ReminderKind,
)
from .querysets import (
    MonthlyReportQuerySet,
    NotificationQuerySet,
    OfficialReportQuerySet,
)


class ReportError(Exception):
    """A step cannot be taken now; the message is for the user (API: 409)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def due_date_for(year: int, month: int) -> datetime.date:
    """The day a month's report is due: the Nth of the next month (setting, default 5)."""
    day = int(getattr(settings, "XIAOAN_MONTHLY_REPORT_DUE_DAY", 5))
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return datetime.date(year, month, day)


class MonthlyReportManager(models.Manager.from_queryset(MonthlyReportQuerySet)):  # type: ignore[misc]
    pass


class OfficialReportManager(models.Manager.from_queryset(OfficialReportQuerySet)):  # type: ignore[misc]
    pass


class NotificationManager(models.Manager.from_queryset(NotificationQuerySet)):  # type: ignore[misc]
    pass


def _role(user: Any) -> str | None:
    membership = membership_of(user)
    return str(membership.role) if membership is not None else None


def check_month_begun(year: int, month: int) -> None:
    """A month's report describes the past: none for a month that has not begun yet."""
    from xiaoan.core.dates import local_today

    today = local_today()
    if (year, month) > (today.year, today.month):
        raise ReportError(
            gettext(
                "%(year)s-%(month)02d has not begun yet; a report is compiled for this month or a past one."
            )
            % {"year": year, "month": month}
        )


class MonthlyReport(TimeStampedModel):
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

    @property
    def is_locked(self) -> bool:
        return self.status in (MonthlyStatus.SUBMITTED, MonthlyStatus.ACCEPTED)

    def check_school_admin(self, user: Any) -> None:
        membership = membership_of(user)
        if (
            membership is None
            or membership.role != Role.SCHOOL_ADMIN
            or (membership.school_id != self.school_id)
        ):
            raise PermissionDenied(gettext("Only the school's safety administrator may do this."))

    def check_reviewer(self, user: Any) -> None:
        if _role(user) != Role.BUREAU_ADMIN:
            raise PermissionDenied(gettext("Only the bureau's safety officer may review reports."))

    def compile(self, user: Any, narrative: str | None = None) -> None:
        """Recount the figures from the ledger now; only while the report is open for edits."""
        self.check_school_admin(user)
        if self.is_locked:
            raise ReportError(gettext("A submitted report is frozen: it cannot be recompiled."))
        check_month_begun(self.year, self.month)
        from .compile import school_month_figures

        with transaction.atomic():
            self.figures = school_month_figures(self.school, self.year, self.month)
            self.is_nil = self.figures["nil"]
            self.compiled_at = timezone.now()
            if narrative is not None:
                self.narrative = narrative.strip()
            self.save()
            self._event(user, MonthlyEventKind.COMPILED, self.status, "")

    def submit(self, user: Any, narrative: str | None = None) -> None:
        """Compile once more and lock: the figures are frozen as they stand now."""
        self.check_school_admin(user)
        if self.status not in (MonthlyStatus.DRAFT, MonthlyStatus.RETURNED):
            raise ReportError(gettext("Only a draft or returned report can be submitted."))
        with transaction.atomic():
            previous = self.status
            self.compile(user, narrative)
            now = timezone.now()
            self.status = MonthlyStatus.SUBMITTED
            self.submitted_at, self.submitted_by = now, user
            self.first_submitted_at = self.first_submitted_at or now
            self.save()
            self._event(user, MonthlyEventKind.SUBMITTED, previous, "")

    def return_for_changes(self, user: Any, comment: str) -> None:
        self.check_reviewer(user)
        if self.status != MonthlyStatus.SUBMITTED:
            raise ReportError(gettext("Only a submitted report can be returned."))
        if not comment.strip():
            raise ReportError(gettext("Say what the school must change."))
        self._review(user, MonthlyStatus.RETURNED, MonthlyEventKind.RETURNED, comment.strip())

    def accept(self, user: Any, comment: str = "") -> None:
        self.check_reviewer(user)
        if self.status != MonthlyStatus.SUBMITTED:
            raise ReportError(gettext("Only a submitted report can be accepted."))
        self._review(user, MonthlyStatus.ACCEPTED, MonthlyEventKind.ACCEPTED, comment.strip())

    def _review(self, user: Any, status: str, kind: str, comment: str) -> None:
        with transaction.atomic():
            previous = self.status
            self.status, self.review_comment = status, comment
            self.reviewed_at, self.reviewed_by = timezone.now(), user
            self.save()
            self._event(user, kind, previous, comment)

    def _event(self, user: Any, kind: str, previous: str, comment: str) -> None:
        MonthlyReportEvent.objects.create(
            report=self,
            actor=user,
            kind=kind,
            from_status=previous,
            to_status=self.status,
            comment=comment,
        )

    def compliance(self, today: datetime.date) -> str:
        return compliance_of(self, self.year, self.month, today)


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


class MonthlyReportEvent(models.Model):
    """One step of a monthly report's history; never edited or deleted."""

    report = models.ForeignKey(
        MonthlyReport, models.CASCADE, related_name="events", verbose_name=_("monthly report")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by")
    )
    kind = models.CharField(_("step"), max_length=10, choices=MonthlyEventKind.choices)
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("monthly report event")
        verbose_name_plural = _("monthly report events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report} · {self.get_kind_display()}"


class OfficialReport(TimeStampedModel):
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

    def check_editor(self, user: Any) -> None:
        if _role(user) != Role.BUREAU_ADMIN and not getattr(user, "is_superuser", False):
            raise PermissionDenied(gettext("Only the bureau's safety officer may edit documents."))

    def edit(self, user: Any, *, title: str, narrative: str) -> None:
        self.check_editor(user)
        if self.is_issued:
            raise ReportError(gettext("An issued document cannot be changed."))
        self.title, self.narrative = title.strip(), narrative.strip()
        self.save(update_fields=["title", "narrative", "updated_at"])

    def issue(self, user: Any) -> None:
        self.check_editor(user)
        with transaction.atomic():
            updated = OfficialReport.objects.filter(pk=self.pk, status=OfficialStatus.DRAFT).update(
                status=OfficialStatus.ISSUED, issued_at=timezone.now(), issued_by=user
            )
            if not updated:
                raise ReportError(gettext("The document has already been issued."))
        self.refresh_from_db()


class Notification(TimeStampedModel):
    """A message to one user in the app (and by email where the user has one)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    text = models.CharField(_("text"), max_length=300)
    link = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationManager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.text

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class ReminderLog(models.Model):
    """The guard against double sending: one row per (kind, object, recipient, day)."""

    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    object_key = models.CharField(_("object"), max_length=100)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_key", "recipient", "day"], name="reminderlog_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_key} → {self.recipient_id} {self.day}"
