"""The hazard ledger (隐患台账) and the six areas it is counted by.

A hazard moves through its closed loop only by the transition methods below. Each one first
runs its own check (the same one `allowed_actions` runs), then writes through `_apply`: a
guarded update (expected state and version in one statement) with its change-log row, and one
HazardEvent, in one transaction. The ledger's history is never edited or deleted.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.access import has_role, membership_of
from xiaoan.accounts.choices import Role
from xiaoan.core.changelog import guarded_update, readable, record_change
from xiaoan.core.dates import local_today
from xiaoan.core.errors import Invalid, NotAllowed, Refused, Stale, later
from xiaoan.core.models import ChangeAction, TimeStampedModel, Versioned, WorkflowEvent
from xiaoan.core.workflow import Actions
from xiaoan.notifications.choices import NotificationKind
from xiaoan.notifications.recipients import About, announce

from .choices import (
    EventKind,
    ExtensionStatus,
    HazardLevel,
    HazardSource,
    HazardStatus,
    PhotoKind,
)
from .querysets import HazardChildQuerySet, HazardQuerySet

# Which steps tell someone (the table of who is told is `notifications.recipients.TABLE`).
NOTICES = {
    EventKind.REPORTED: NotificationKind.HAZARD_REPORTED,
    EventKind.ASSIGNED: NotificationKind.HAZARD_ASSIGNED,
    EventKind.EXTENSION_REQUESTED: NotificationKind.HAZARD_EXTENSION_REQUESTED,
    EventKind.EXTENSION_APPROVED: NotificationKind.HAZARD_EXTENSION_DECIDED,
    EventKind.EXTENSION_REFUSED: NotificationKind.HAZARD_EXTENSION_DECIDED,
    EventKind.SUBMITTED: NotificationKind.HAZARD_SUBMITTED,
    EventKind.VERIFICATION_FAILED: NotificationKind.HAZARD_VERIFICATION_FAILED,
    EventKind.VERIFIED: NotificationKind.HAZARD_CLOSED,
    EventKind.REJECTED: NotificationKind.HAZARD_REJECTED,
    EventKind.SUPERVISED: NotificationKind.HAZARD_SUPERVISED,
    EventKind.SUPERVISION_LIFTED: NotificationKind.HAZARD_SUPERVISION_LIFTED,
}

CODE_PATTERN = re.compile(r"^YH-(\d{4})-(\d{4,})$")
CODE_ATTEMPTS = 3


class Area(Versioned, TimeStampedModel):
    """One of the six special-rectification areas; the bureau may rename or reorder them
    (every change is in the change log, with who and before/after)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("rectification area")
        verbose_name_plural = _("rectification areas")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the user's language."""
        language = translation.get_language() or "zh-hans"
        return self.name_en if language.startswith("en") else self.name_zh


class HazardCounter(TimeStampedModel):
    """The last reference number given out per bureau and year (YH-<year>-<nnnn>)."""

    bureau = models.ForeignKey(
        "schools.Bureau", models.PROTECT, related_name="+", verbose_name=_("bureau")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("hazard number counter")
        verbose_name_plural = _("hazard number counters")
        constraints = [
            models.UniqueConstraint(fields=["bureau", "year"], name="hazardcounter_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.bureau_id}/{self.year}: {self.last}"

    @classmethod
    def next_code(cls, bureau_id: int, year: int) -> str:
        """Allocate the next code; call inside the transaction that saves the hazard.

        PostgreSQL: the counter row is created once (a second creator hits the unique
        constraint and reads the winner's row), then locked with SELECT … FOR UPDATE until the
        transaction ends, so two reports filed at the same moment get different numbers.
        SQLite: writers are serialised (transactions begin IMMEDIATE). The unique code per
        bureau is the last guard: `Hazard.objects.report` retries if it is ever hit.
        """
        cls.objects.get_or_create(
            bureau_id=bureau_id, year=year, defaults={"last": _highest_number(bureau_id, year)}
        )
        counter = cls.objects.select_for_update().get(bureau_id=bureau_id, year=year)
        counter.last += 1
        counter.save(update_fields=["last", "updated_at"])
        return f"YH-{year}-{counter.last:04d}"

    @classmethod
    def reserve(cls, bureau_id: int, year: int, count: int, floor: int = 0) -> range:
        """Take `count` consecutive numbers at once (an import), after every code in use and
        after `floor` (the highest number the import keeps); call inside its transaction."""
        cls.objects.get_or_create(
            bureau_id=bureau_id, year=year, defaults={"last": _highest_number(bureau_id, year)}
        )
        counter = cls.objects.select_for_update().get(bureau_id=bureau_id, year=year)
        first = max(counter.last, floor, _highest_number(bureau_id, year)) + 1
        counter.last = first + count - 1
        counter.save(update_fields=["last", "updated_at"])
        return range(first, first + count)

    @classmethod
    def catch_up(cls, bureau_id: int, year: int) -> None:
        """Move the counter past every code in use (after a code was found taken)."""
        highest = _highest_number(bureau_id, year)
        cls.objects.filter(bureau_id=bureau_id, year=year, last__lt=highest).update(
            last=highest, updated_at=timezone.now()
        )


def _highest_number(bureau_id: int, year: int) -> int:
    codes = Hazard.objects.filter(bureau_id=bureau_id, code__startswith=f"YH-{year}-")
    numbers = [
        int(m.group(2))
        for c in codes.values_list("code", flat=True)
        if (m := CODE_PATTERN.match(c))
    ]
    return max(numbers, default=0)


def open_period_start(today: datetime.date | None = None) -> datetime.date:
    """The earliest found date a hazard may be reported with, without the bureau back-dating
    it: the first day of the current quarter; during a quarter's first month, while the last
    quarter's report is still being compiled, the first day of the last quarter."""
    today = today or local_today()
    first_month = (today.month - 1) // 3 * 3 + 1
    start = datetime.date(today.year, first_month, 1)
    if today.month == first_month:
        start = (
            datetime.date(start.year - 1, 10, 1)
            if first_month == 1
            else start.replace(month=first_month - 3)
        )
    return start


class HazardManager(models.Manager.from_queryset(HazardQuerySet)):  # type: ignore[misc]
    def report(
        self,
        *,
        school: Any,
        area: Area,
        level: str,
        description: str,
        reported_by: Any,
        source: str,
        location: str = "",
        found_on: datetime.date | None = None,
        campaign: Any = None,
        department: Any = None,
        backdated: bool = False,
        from_record: bool = False,
        risk_point: Any = None,
    ) -> Hazard:
        """Record a newly found hazard (state reported) with its first event.

        `found_on` may not be before the open period (`open_period_start`) nor before the
        campaign began, unless the bureau back-dates it explicitly (`backdated`, bureau_admin
        only; kept in the event). A hazard raised from a dated record (`from_record`: an
        inspection, a surroundings check) takes that record's date as it is."""
        from . import counts

        membership = membership_of(reported_by)
        if department is None and membership is not None and membership.department_id:
            department = membership.department
        hazard = self.model(
            bureau_id=school.bureau_id,
            school=school,
            area=area,
            level=level,
            source=source,
            description=description.strip(),
            location=location.strip(),
            found_on=found_on or local_today(),
            reported_by=reported_by,
            department=department,
            campaign=campaign,
            risk_point=risk_point,
            status=HazardStatus.REPORTED,
        )
        hazard.check_can_report(reported_by)
        hazard.check_risk_point(risk_point)
        if not hazard.description:
            raise Invalid(gettext("Describe the hazard in a line at least."), field="description")
        if not from_record:
            hazard.check_found_on(reported_by, backdated=backdated)
        elif hazard.found_on > local_today():
            raise Invalid(gettext("The date cannot be in the future."), field="found_on")
        first_event = {"backdated": True} if backdated else {}
        for attempt in range(CODE_ATTEMPTS):
            try:
                with transaction.atomic():
                    hazard.code = HazardCounter.next_code(school.bureau_id, hazard.found_on.year)
                    hazard.save()
                    counts.move(hazard.bureau_id, None, counts.key_of(hazard))
                    record_change(hazard, reported_by, ChangeAction.CREATE)
                    event = hazard._event(
                        reported_by,
                        EventKind.REPORTED,
                        "",
                        HazardStatus.REPORTED,
                        "",
                        first_event,
                    )
                    hazard._announce(event)
                    if risk_point is not None:
                        risk_point.hazard_linked(hazard, reported_by)
                return hazard
            except IntegrityError:
                hazard.pk = None
                taken = self.filter(bureau_id=school.bureau_id, code=hazard.code).exists()
                if not taken or attempt == CODE_ATTEMPTS - 1:
                    raise
                # A code given out outside the counter (an import, a restored backup): skip it.
                HazardCounter.catch_up(school.bureau_id, hazard.found_on.year)
        raise AssertionError("unreachable")


class Hazard(Actions, TimeStampedModel):
    """A safety hazard found at a school, driven from report to close-out (销号)."""

    bureau = models.ForeignKey(
        "schools.Bureau", models.PROTECT, related_name="hazards", verbose_name=_("bureau")
    )
    code = models.CharField(_("reference code"), max_length=20)
    school = models.ForeignKey(
        "schools.School", models.PROTECT, related_name="hazards", verbose_name=_("school")
    )
    area = models.ForeignKey(Area, models.PROTECT, related_name="hazards", verbose_name=_("area"))
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
        verbose_name=_("campaign"),
    )
    level = models.CharField(
        _("hazard level"), max_length=10, choices=HazardLevel.choices, default=HazardLevel.GENERAL
    )
    source = models.CharField(_("source"), max_length=20, choices=HazardSource.choices)
    description = models.TextField(_("hazard description"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    found_on = models.DateField(_("found on"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="reported_hazards",
        verbose_name=_("reported by"),
    )
    department = models.ForeignKey(
        "schools.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
        verbose_name=_("found by department"),
    )
    status = models.CharField(
        _("status"), max_length=25, choices=HazardStatus.choices, default=HazardStatus.REPORTED
    )
    opinion = models.TextField(_("rectification opinion"), blank=True)
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    measures = models.TextField(_("rectification measures"), blank=True)
    cost = models.DecimalField(
        _("cost (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    interim_control = models.TextField(_("interim control measures"), blank=True)
    risk_point = models.ForeignKey(
        "risks.RiskPoint",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
        verbose_name=_("risk point"),
        help_text=_("The point of the school's risk register where the hazard was found."),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    supervised = models.BooleanField(_("under supervision"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = HazardManager()

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["-found_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "code"], name="hazard_unique_code_per_bureau"
            ),
            models.CheckConstraint(
                name="hazard_status_valid", condition=Q(status__in=HazardStatus.values)
            ),
            models.CheckConstraint(
                name="hazard_level_valid", condition=Q(level__in=HazardLevel.values)
            ),
            models.CheckConstraint(
                name="hazard_supervised_only_major",
                condition=Q(supervised=False) | Q(level=HazardLevel.MAJOR),
            ),
            models.CheckConstraint(
                name="hazard_closed_has_closed_at",
                condition=~Q(status=HazardStatus.CLOSED) | Q(closed_at__isnull=False),
            ),
            models.CheckConstraint(
                name="hazard_cost_not_negative", condition=Q(cost__isnull=True) | Q(cost__gte=0)
            ),
        ]
        indexes = [
            # With the deadline, a school's overdue count seeks it instead of scanning the
            # district's overdue hazards through the (status, deadline) index.
            models.Index(
                fields=["school", "status", "deadline"], name="hazard_school_status_due_idx"
            ),
            models.Index(fields=["status", "deadline"], name="hazard_status_deadline_idx"),
            # The ledger's order, with its tiebreak: a keyset page starts at its row
            # (`core.keyset`) and reads the next 50 entries, no sort.
            models.Index(fields=["bureau", "found_on", "id"], name="hazard_bureau_found_id_idx"),
            # The same order across a city's or a province's districts: read from the newest,
            # keeping the rows of the districts reached (a province's first page: 320 -> 11 ms
            # at 200,000 hazards in 100 districts).
            models.Index(fields=["found_on", "id"], name="hazard_found_id_idx"),
            models.Index(fields=["area", "level"], name="hazard_area_level_idx"),
            # Every column the district's counts read (home page, board, dashboards, stats
            # API): they are answered from this index alone, without reading the rows.
            models.Index(
                fields=[
                    "bureau",
                    "status",
                    "deadline",
                    "area",
                    "level",
                    "supervised",
                    "school",
                    "found_on",
                    "closed_at",
                ],
                name="hazard_bureau_figures_idx",
            ),
            # Partial indexes: only the hazards a list of them shows, already in its order
            # (deadline, id), so "the 100 longest overdue" reads 100 entries instead of sorting
            # every overdue hazard (`status IN (…)` defeats the ordered indexes above). The
            # condition is the very `status IN (…)` of `overdue()` and `open()`, so both
            # PostgreSQL and SQLite can prove a query's rows are in the index.
            models.Index(
                fields=["bureau", "deadline", "id"],
                condition=Q(status__in=HazardStatus.overdue_states()),
                name="hazard_overdue_bureau_idx",
            ),
            models.Index(
                fields=["school", "deadline", "id"],
                condition=Q(status__in=HazardStatus.overdue_states()),
                name="hazard_overdue_school_idx",
            ),
            models.Index(
                fields=["bureau", "deadline", "id"],
                condition=Q(supervised=True, status__in=HazardStatus.open_states()),
                name="hazard_supervised_open_idx",
            ),
            # The longest overdue across a city's or a province's districts: read from the
            # oldest deadline, keeping the districts reached (as `hazard_found_id_idx`); with
            # the bureau, the school and the level, the board's count and its schools behind
            # are read from the index alone (a province's 27,613 overdue: 75 -> 10 ms read).
            models.Index(
                fields=["deadline", "id", "bureau", "school", "level"],
                condition=Q(status__in=HazardStatus.overdue_states()),
                name="hazard_overdue_deadline_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:detail", args=[self.pk])

    # ---- derived state -------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status in HazardStatus.open_states()

    @property
    def is_overdue(self) -> bool:
        """The school still owes the rectification and the deadline has passed (local date)."""
        return (
            self.status in HazardStatus.overdue_states()
            and self.deadline is not None
            and self.deadline < local_today()
        )

    @property
    def days_overdue(self) -> int:
        return (local_today() - self.deadline).days if self.is_overdue and self.deadline else 0

    @property
    def is_major(self) -> bool:
        return self.level == HazardLevel.MAJOR

    # ---- who may do what -----------------------------------------------------------------

    def scope_role(self, user: Any) -> str | None:
        """The user's role if the hazard is within the user's reach, else None: all that
        `allowed_actions` asks of the user ("superuser" for one)."""
        if getattr(user, "is_superuser", False):
            return "superuser"
        membership = membership_of(user)
        if membership is None or membership.bureau_id != self.bureau_id:
            return None
        if membership.school_id is not None and membership.school_id != self.school_id:
            return None
        if membership.role == Role.DEPT_INSPECTOR and self.department_id not in (
            None,
            membership.department_id,
        ):
            return None
        return str(membership.role)

    def acts_on(self, user: Any) -> bool:
        return self.scope_role(user) is not None  # every check starts from it

    def _require(self, user: Any, roles: tuple[str, ...], message: str | Promise) -> None:
        role = self.scope_role(user)
        if role is None or (role != "superuser" and role not in roles):
            raise NotAllowed(message)

    REPORTER_ROLES = (
        Role.BUREAU_ADMIN,
        Role.BUREAU_LEADER,
        Role.DEPT_INSPECTOR,
        *Role.school_roles(),
    )

    @classmethod
    def check_reporter(cls, user: Any) -> None:
        """Whether the user's role reports hazards at all (before any input is read)."""
        if not has_role(user, *cls.REPORTER_ROLES):
            raise NotAllowed(gettext("Your role may not report hazards at this school."))

    def check_can_report(self, user: Any) -> None:
        self._require(
            user, self.REPORTER_ROLES, gettext("Your role may not report hazards at this school.")
        )

    def check_found_on(self, user: Any, *, backdated: bool = False) -> None:
        """The found date: not in the future, not before the campaign began, not before the open
        period unless the bureau safety section back-dates it explicitly."""
        if self.found_on > local_today():
            raise Invalid(gettext("The date cannot be in the future."), field="found_on")
        if self.campaign is not None and self.found_on < self.campaign.start_date:
            raise Invalid(
                gettext("The campaign began on %(date)s; a hazard found before it is not in it.")
                % {"date": self.campaign.start_date.isoformat()},
                field="found_on",
            )
        earliest = open_period_start()
        if self.found_on >= earliest:
            return
        if not backdated:
            raise Invalid(
                gettext(
                    "Hazards found before %(date)s are past the open period; only the bureau "
                    "safety section may record them, marked as back-dated."
                )
                % {"date": earliest.isoformat()},
                field="found_on",
            )
        self._require(
            user,
            (Role.BUREAU_ADMIN,),
            gettext("Only the bureau safety section may back-date a hazard."),
        )

    def _require_manager(self, user: Any) -> None:
        """Issue opinions, verify, reject, decide extensions: the bureau, or the department
        that found the hazard."""
        role = self.scope_role(user)
        is_finder = role == Role.DEPT_INSPECTOR and self.department_id is not None
        if role not in ("superuser", Role.BUREAU_ADMIN) and not is_finder:
            raise NotAllowed(
                _("Only the bureau safety section or the department that found it may do this.")
            )

    def _require_school_admin(self, user: Any) -> None:
        self._require(
            user, (Role.SCHOOL_ADMIN,), _("Only the school's safety administrator may do this.")
        )

    def _require_state(self, *states: str) -> None:
        if self.status not in states:
            raise Refused(
                later(
                    lambda: (
                        gettext("This step is not possible while the hazard is “%(status)s”.")
                        % {"status": self.get_status_display()}
                    )
                )
            )

    def action_checks(self) -> dict[str, Callable[[Any], object]]:
        """Per step, the check its method runs first; `allowed_actions(user)` runs them all."""
        return {
            "assign": self._check_assign,
            "start": self._check_start,
            "submit": self._check_submit,
            "verify": self._check_verify,
            "reject": self._check_reject,
            "extend": self._check_extension_request,
            "decide_extension": self._check_extension_decision,
            "supervise": self._check_supervise,
            "lift": self._check_lift,
            "edit": self.check_edit,
            "photo": self._check_photo,
        }

    def _check_assign(self, user: Any) -> None:
        self._require_manager(user)
        self._require_state(HazardStatus.REPORTED)

    def _check_start(self, user: Any) -> None:
        self._require_school_admin(user)
        self._require_state(HazardStatus.ASSIGNED)

    def _check_submit(self, user: Any) -> None:
        self._require_school_admin(user)
        self._require_state(HazardStatus.RECTIFYING)

    def _check_verify(self, user: Any) -> None:
        self._require_manager(user)
        self._require_state(HazardStatus.AWAITING_VERIFICATION)

    def _check_reject(self, user: Any) -> None:
        self._require_manager(user)
        self._require_state(HazardStatus.REPORTED, HazardStatus.ASSIGNED)

    # ---- the transitions -----------------------------------------------------------------

    def assign(
        self,
        user: Any,
        *,
        opinion: str,
        deadline: datetime.date,
        responsible_person: str = "",
        interim_control: str = "",
        comment: str = "",
    ) -> HazardEvent:
        """Issue the rectification opinion and deadline (待受理 → 待整改)."""
        self._check_assign(user)
        if not opinion.strip():
            raise Invalid(gettext("Write the rectification opinion."), field="opinion")
        if deadline is None or deadline < self.found_on:
            raise Invalid(
                gettext("The deadline cannot be before the day the hazard was found."),
                field="deadline",
            )
        _deadline_not_past(deadline, "deadline")
        changes = {
            "status": HazardStatus.ASSIGNED,
            "opinion": opinion.strip(),
            "deadline": deadline,
            "responsible_person": responsible_person.strip(),
            "interim_control": interim_control.strip() or self.interim_control,
        }
        data = {"deadline": deadline.isoformat()}
        return self._apply(user, EventKind.ASSIGNED, changes, comment, data)

    def start(self, user: Any, *, comment: str = "") -> HazardEvent:
        """The school starts rectifying (待整改 → 整改中)."""
        self._check_start(user)
        return self._apply(user, EventKind.STARTED, {"status": HazardStatus.RECTIFYING}, comment)

    def submit(
        self,
        user: Any,
        *,
        measures: str,
        cost: Decimal | None = None,
        comment: str = "",
        photos: Sequence[Any] = (),
    ) -> HazardEvent:
        """The school reports the work done, with after-photos, and asks for verification
        (整改中 → 待复查).

        `photos` (uploads or processed images) are stored as after-photos of this step; they
        may be left out only if an after-photo is already on the hazard.
        """
        from .photos import ProcessedImage, process_upload

        self._check_submit(user)
        if not measures.strip():
            raise Invalid(
                gettext("Describe what was done to rectify the hazard."), field="measures"
            )
        if cost is not None and cost < 0:
            raise Invalid(gettext("The cost cannot be negative."), field="cost")
        if not photos and self.needs_after_photo():
            raise Invalid(self.photo_needed_message(), field="photos")
        # Checked by content before anything is written: a bad photo changes nothing.
        processed = [p if isinstance(p, ProcessedImage) else process_upload(p) for p in photos]
        changes = {
            "status": HazardStatus.AWAITING_VERIFICATION,
            "measures": measures.strip(),
            # A resubmission that leaves the cost out keeps the cost recorded before.
            "cost": self.cost if cost is None else cost,
        }
        with transaction.atomic():
            event = self._apply(
                user, EventKind.SUBMITTED, changes, comment, {"photos": len(processed)}
            )
            for image in processed:
                HazardPhoto.store(self, event, user, PhotoKind.AFTER, image)
        return event

    def last_failed_verification(self) -> HazardEvent | None:
        """The latest verification that sent the hazard back, if any."""
        return self.events.filter(kind=EventKind.VERIFICATION_FAILED).order_by("-id").first()

    def _after_photos_since_failure(self) -> models.QuerySet[HazardPhoto]:
        """After-photos that count for the next submission: after a failed verification only
        those taken since (the old ones showed work that was not accepted)."""
        photos = self.photos.filter(kind=PhotoKind.AFTER)
        failed = self.last_failed_verification()
        return photos.filter(event_id__gt=failed.pk) if failed else photos

    def needs_after_photo(self) -> bool:
        """Whether the next submission must bring an after-photo (none yet, or none since the
        last failed verification)."""
        return not self._after_photos_since_failure().exists()

    def photo_needed_message(self) -> str:
        if self.last_failed_verification():
            return gettext(
                "The rectification was not accepted: attach a new photo of the work done since."
            )
        return gettext("Attach at least one photo taken after the rectification.")

    def verify(self, user: Any, *, passed: bool, comment: str = "") -> HazardEvent:
        """Check the rectification: pass closes the hazard (销号) and ends any supervision
        (摘牌 with the close-out), fail sends it back."""
        self._check_verify(user)
        if passed:
            changes = {
                "status": HazardStatus.CLOSED,
                "closed_at": timezone.now(),
                "supervised": False,
            }
            data = {"supervision_lifted": True} if self.supervised else {}
            return self._apply(user, EventKind.VERIFIED, changes, comment, data)
        if not comment.strip():
            raise Invalid(
                gettext("Give the reason the rectification is not accepted."), field="comment"
            )
        changes = {"status": HazardStatus.RECTIFYING}
        return self._apply(user, EventKind.VERIFICATION_FAILED, changes, comment)

    def reject(self, user: Any, *, reason: str) -> HazardEvent:
        """Not a hazard after all (不属实); the reason is kept in the history."""
        self._check_reject(user)
        if not reason.strip():
            raise Invalid(gettext("Give the reason the report is rejected."), field="reason")
        changes = {"status": HazardStatus.REJECTED, "supervised": False}
        data = {"supervision_lifted": True} if self.supervised else {}
        return self._apply(user, EventKind.REJECTED, changes, reason, data)

    def _check_extension_request(self, user: Any) -> None:
        self._require_school_admin(user)
        self._require_state(HazardStatus.ASSIGNED, HazardStatus.RECTIFYING)
        if self._has_pending_extension():
            raise Refused(_("An extension request is already waiting for a decision."))

    def request_extension(
        self, user: Any, *, new_deadline: datetime.date, reason: str
    ) -> ExtensionRequest:
        """The school asks for a later deadline; the bureau approves or refuses."""
        self._check_extension_request(user)
        if not reason.strip():
            raise Invalid(gettext("Give the reason a longer deadline is needed."), field="reason")
        if self.deadline is None or new_deadline is None or new_deadline <= self.deadline:
            raise Invalid(
                gettext("The new deadline must be later than the current one."),
                field="new_deadline",
            )
        _deadline_not_past(new_deadline, "new_deadline")
        with transaction.atomic():
            event = self._apply(
                user,
                EventKind.EXTENSION_REQUESTED,
                {},
                reason,
                {"deadline": self.deadline.isoformat(), "requested": new_deadline.isoformat()},
            )
            return ExtensionRequest.objects.create(
                hazard=self,
                requested_by=user,
                current_deadline=self.deadline,
                requested_deadline=new_deadline,
                reason=reason.strip(),
                request_event=event,
            )

    def pending_extension(self) -> ExtensionRequest | None:
        return self.extension_requests.filter(status=ExtensionStatus.PENDING).first()

    def _has_pending_extension(self) -> bool:
        # A list row carries the answer (`HazardQuerySet.with_pending_extension`): no query each.
        annotated = getattr(self, "has_pending_extension", None)
        if annotated is not None:
            return bool(annotated)
        return self.extension_requests.filter(status=ExtensionStatus.PENDING).exists()

    def _check_extension_decision(self, user: Any) -> None:
        nothing_pending = _("There is no extension request waiting for a decision.")
        self._require_manager(user)
        if self.status not in HazardStatus.overdue_states():
            raise Refused(nothing_pending)
        if not self._has_pending_extension():
            raise Refused(nothing_pending)

    def decide_extension(self, user: Any, *, approve: bool, comment: str = "") -> HazardEvent:
        """Approve (the deadline moves) or refuse (it stays) the pending extension request."""
        self._check_extension_decision(user)
        request = self.pending_extension()
        if request is None:
            raise Refused(gettext("There is no extension request waiting for a decision."))
        if not approve and not comment.strip():
            raise Invalid(gettext("Give the reason the extension is refused."), field="comment")
        if approve:
            _deadline_not_past(request.requested_deadline, "approve")
        with transaction.atomic():
            changes: dict[str, Any] = {}
            if approve:
                changes["deadline"] = request.requested_deadline
            kind = EventKind.EXTENSION_APPROVED if approve else EventKind.EXTENSION_REFUSED
            data = {"requested": request.requested_deadline.isoformat()}
            event = self._apply(user, kind, changes, comment, data)
            updated = ExtensionRequest.objects.filter(
                pk=request.pk, status=ExtensionStatus.PENDING
            ).update(
                status=ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED,
                decided_by=user,
                decided_at=timezone.now(),
                decision_comment=comment.strip(),
                updated_at=timezone.now(),
            )
            if not updated:
                raise Stale(gettext("The extension request was decided by someone else."))
        return event

    def _check_supervise(self, user: Any) -> None:
        self._require(user, (Role.BUREAU_LEADER,), _("Only a bureau leader may do this."))
        if not self.is_major:
            raise Refused(_("Only a major hazard can be put under supervision."))
        if not self.is_open or self.supervised:
            raise Refused(_("This hazard cannot be put under supervision now."))

    def supervise(self, user: Any, *, comment: str = "") -> HazardEvent:
        """Put a major hazard under the bureau leaders' supervision (挂牌督办)."""
        self._check_supervise(user)
        return self._apply(user, EventKind.SUPERVISED, {"supervised": True}, comment)

    def _check_lift(self, user: Any) -> None:
        self._require(user, (Role.BUREAU_LEADER,), _("Only a bureau leader may do this."))
        if not self.supervised:
            raise Refused(_("This hazard is not under supervision."))

    def lift_supervision(self, user: Any, *, comment: str = "") -> HazardEvent:
        """End the supervision (摘牌)."""
        self._check_lift(user)
        return self._apply(user, EventKind.SUPERVISION_LIFTED, {"supervised": False}, comment)

    EDITABLE_FIELDS = ("area", "level", "description", "location", "interim_control", "risk_point")

    def check_risk_point(self, point: Any) -> None:
        """A hazard links only to a point of its own school's register, still in it."""
        if point is None:
            return
        if point.school_id != self.school_id:
            raise Invalid(
                gettext("Choose a risk point of the hazard's school."), field="risk_point"
            )
        if point.retired_on is not None and point.retired_on <= self.found_on:
            raise Invalid(gettext("This risk point has been retired."), field="risk_point")

    def check_edit(self, user: Any) -> None:
        """Raise NotAllowed or Refused unless `user` may correct the details now."""
        self._require(
            user,
            (Role.BUREAU_ADMIN, Role.SCHOOL_ADMIN),
            _("Your role may not edit this hazard."),
        )
        if not self.is_open:
            raise Refused(_("A closed or rejected hazard cannot be edited."))

    def edit(self, user: Any, *, version: int, comment: str = "", **values: Any) -> HazardEvent:
        """Correct the report's details; refused (`Stale`) if someone saved since `version`
        was read. The event keeps each changed field's value before and after."""
        self.check_edit(user)
        unknown = set(values) - set(self.EDITABLE_FIELDS)
        if unknown:
            raise Invalid(gettext("These fields cannot be edited: %s") % ", ".join(sorted(unknown)))
        if self.supervised and values.get("level", self.level) != HazardLevel.MAJOR:
            raise Invalid(gettext("A hazard under supervision must stay major."))
        changed = {k: v for k, v in values.items() if _plain(getattr(self, k)) != _plain(v)}
        if "risk_point" in changed:
            self.check_risk_point(changed["risk_point"])
        before = {k: _plain(getattr(self, k)) for k in changed}
        data = {"before": before, "after": {k: _plain(v) for k, v in changed.items()}}
        self.version = int(version)  # the version the editor read: the update checks it
        with transaction.atomic():
            event = self._apply(user, EventKind.EDITED, changed, comment, data)
            if changed.get("risk_point") is not None:
                changed["risk_point"].hazard_linked(self, user)
            return event

    def _check_photo(self, user: Any) -> None:
        self._require(
            user,
            (Role.BUREAU_ADMIN, Role.DEPT_INSPECTOR, *Role.school_roles()),
            _("Your role may not add photos to this hazard."),
        )
        if not self.is_open:
            raise Refused(_("Photos cannot be added to a closed or rejected hazard."))

    def add_photo(self, user: Any, upload: Any, kind: str = PhotoKind.BEFORE) -> HazardPhoto:
        """Check, re-encode and store an uploaded photo (raises ValidationError if bad)."""
        from .photos import ProcessedImage, process_upload

        self._check_photo(user)
        processed = upload if isinstance(upload, ProcessedImage) else process_upload(upload)
        with transaction.atomic():
            event = self._apply(user, EventKind.PHOTO_ADDED, {}, "", {"kind": str(kind)})
            return HazardPhoto.store(self, event, user, kind, processed)

    # ---- the one place that writes --------------------------------------------------------

    def _apply(
        self,
        user: Any,
        kind: str,
        changes: dict[str, Any],
        comment: str = "",
        data: dict[str, Any] | None = None,
    ) -> HazardEvent:
        """The one write path of every step: `changes` saved only where the hazard is still in
        the state and version this object holds (else `Stale`, nothing written), with the
        change-log row and the event, in one transaction."""
        from . import counts

        from_status, counted = self.status, counts.key_of(self)
        with transaction.atomic():
            guarded_update(self, changes, user=user, expect={"status": from_status})
            counts.move(self.bureau_id, counted, counts.key_of(self))
            event = self._event(user, kind, from_status, self.status, comment, data)
            self._announce(event)
            return event

    def _announce(self, event: HazardEvent) -> None:
        """Tell those the step concerns (in its transaction): the table's row for the step."""
        kind = NOTICES.get(event.kind)  # type: ignore[call-overload]
        if kind == NotificationKind.HAZARD_REPORTED and self.source == HazardSource.INSPECTION:
            kind = NotificationKind.HAZARD_FOUND_IN_INSPECTION
        if kind is None:
            return
        params: dict[str, Any] = {"code": self.code, "school": self.school.name}
        if kind in (NotificationKind.HAZARD_REPORTED, NotificationKind.HAZARD_FOUND_IN_INSPECTION):
            params["description"] = self.description[:60]
        elif kind == NotificationKind.HAZARD_ASSIGNED and self.deadline:
            params["deadline"] = self.deadline.isoformat()
        elif "requested" in event.data:
            params["requested"] = event.data["requested"]
            if kind == NotificationKind.HAZARD_EXTENSION_DECIDED:
                approved = event.kind == EventKind.EXTENSION_APPROVED
                params["decision"] = "approved" if approved else "refused"
        elif kind == NotificationKind.HAZARD_VERIFICATION_FAILED:
            params["comment"] = event.comment[:100]
        elif kind == NotificationKind.HAZARD_REJECTED:
            params["reason"] = event.comment[:100]
        about = About(
            bureau_id=self.bureau_id,
            school_ids=(self.school_id,),
            department_ids=(self.department_id,) if self.department_id else (),
            reporter_id=self.reported_by_id,
        )
        announce(
            kind,
            about,
            actor=event.actor,
            params=params,
            link=self.get_absolute_url(),
            code=self.code,
        )

    def _event(
        self,
        user: Any,
        kind: str,
        from_status: str,
        to_status: str,
        comment: str,
        data: dict[str, Any] | None = None,
    ) -> HazardEvent:
        return HazardEvent.objects.create(
            hazard=self,
            actor=user,
            kind=kind,
            from_status=from_status,
            to_status=to_status,
            comment=comment.strip(),
            data=data or {},
        )


def _deadline_not_past(deadline: datetime.date, field: str) -> None:
    """A deadline already past would make the hazard overdue the moment it is set."""
    if deadline < local_today():
        raise Invalid(gettext("The deadline cannot be in the past."), field=field)


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date | Decimal):
        return str(value)
    return value


class HazardEvent(WorkflowEvent):
    """One step of a hazard's history: who, when, from which state to which, and why."""

    hazard = models.ForeignKey(
        Hazard, models.PROTECT, related_name="events", verbose_name=_("hazard")
    )
    kind = models.CharField(_("step"), max_length=25, choices=EventKind.choices)
    from_status = models.CharField(
        _("from status"), max_length=25, choices=HazardStatus.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=25, choices=HazardStatus.choices)

    objects = HazardChildQuerySet.as_manager()

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("hazard event")
        verbose_name_plural = _("hazard events")
        indexes = [models.Index(fields=["hazard", "created_at"], name="hazardevent_hazard_idx")]

    def __str__(self) -> str:
        return f"{self.hazard_id} · {self.get_kind_display()}"

    def changes(self) -> list[tuple[str, Any, Any]]:
        """What an edit (or an import's update) changed, as the reader reads it: (field label, before, after), the
        area by its name and the level by its label (the event stores codes and ids)."""
        if self.kind not in (EventKind.EDITED, EventKind.IMPORTED):
            return []
        shown = set(Hazard.EDITABLE_FIELDS)
        if self.kind == EventKind.IMPORTED:  # an import also writes the rectification's details
            shown = {f.name for f in Hazard._meta.concrete_fields}
        before, after = self.data.get("before", {}), self.data.get("after", {})
        fields = [Hazard._meta.get_field(name) for name in after if name in shown]
        return [
            (
                str(getattr(field, "verbose_name", field.name)),
                readable(field, before.get(field.name)),
                readable(field, new),
            )
            for field in fields
            if before.get(field.name) != (new := after[field.name])
        ]


def _photo_name(hazard: Hazard, suffix: str) -> str:
    return f"hazards/{hazard.bureau_id}/{hazard.code}/{uuid.uuid4().hex}{suffix}.jpg"


class HazardPhoto(TimeStampedModel):
    """A photo of a hazard, before or after rectification, re-encoded as JPEG with a thumbnail.

    Stored under MEDIA_ROOT and only ever served through a view that checks `for_user`.
    """

    hazard = models.ForeignKey(
        Hazard, models.PROTECT, related_name="photos", verbose_name=_("hazard")
    )
    event = models.ForeignKey(
        HazardEvent,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("event"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PhotoKind.choices)
    image = models.FileField(_("image"), max_length=200)
    thumbnail = models.FileField(_("thumbnail"), max_length=200)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="hazard_photos",
        verbose_name=_("uploaded by"),
    )

    objects = HazardChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("hazard photo")
        verbose_name_plural = _("hazard photos")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.hazard_id} · {self.get_kind_display()}"

    @classmethod
    def store(
        cls, hazard: Hazard, event: HazardEvent | None, user: Any, kind: str, processed: Any
    ) -> HazardPhoto:
        from django.core.files.base import ContentFile

        photo = cls(
            hazard=hazard,
            event=event,
            kind=kind,
            width=processed.width,
            height=processed.height,
            uploaded_by=user,
        )
        photo.image.save(_photo_name(hazard, ""), ContentFile(processed.jpeg), save=False)
        photo.thumbnail.save(_photo_name(hazard, "-t"), ContentFile(processed.thumb), save=False)
        photo.save()
        return photo


class ExtensionRequest(TimeStampedModel):
    """A school's request for a later rectification deadline, and the decision on it."""

    hazard = models.ForeignKey(
        Hazard, models.PROTECT, related_name="extension_requests", verbose_name=_("hazard")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    current_deadline = models.DateField(_("current deadline"))
    requested_deadline = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.PENDING,
    )
    request_event = models.ForeignKey(
        HazardEvent, models.PROTECT, related_name="+", verbose_name=_("request event")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)

    objects = HazardChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("deadline extension request")
        verbose_name_plural = _("deadline extension requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["hazard"],
                condition=Q(status=ExtensionStatus.PENDING),
                name="extension_one_pending_per_hazard",
            ),
            models.CheckConstraint(
                name="extension_later_deadline",
                condition=Q(requested_deadline__gt=F("current_deadline")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hazard_id} → {self.requested_deadline}"


class KeptCount(models.Model):
    """How many hazards of one key (area, level, state, supervision) there are today: the
    fields the school's and the district's kept counts share."""

    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("area"))
    level = models.CharField(_("hazard level"), max_length=10, choices=HazardLevel.choices)
    status = models.CharField(_("status"), max_length=25, choices=HazardStatus.choices)
    supervised = models.BooleanField(_("under supervision"), default=False)
    count = models.IntegerField(_("hazards"), default=0)

    class Meta:
        abstract = True


class HazardCount(KeptCount):
    """Today's hazards of one school by area, level, state and supervision, kept current by
    the workflow: every step that changes one of them moves one hazard from its row to
    another in the step's transaction (`counts.move`). Readers use a district's rows once
    `HazardCountsBuilt` says they were built (`xiaoan figures rebuild`)."""

    bureau = models.ForeignKey(
        "schools.Bureau", models.PROTECT, related_name="+", verbose_name=_("bureau")
    )
    school = models.ForeignKey(
        "schools.School", models.PROTECT, related_name="+", verbose_name=_("school")
    )

    class Meta:
        verbose_name = _("hazard count")
        verbose_name_plural = _("hazard counts")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "area", "level", "status", "supervised"],
                name="hazard_count_unique",
            )
        ]
        indexes = [models.Index(fields=["bureau", "status"], name="hazard_count_bureau_idx")]

    def __str__(self) -> str:
        return f"{self.school_id} {self.area_id} {self.level} {self.status}: {self.count}"


class HazardDistrictCount(KeptCount):
    """Today's hazards of one district by area, level, state and supervision: its schools'
    `HazardCount` rows summed, moved by the same steps in the same transaction, so that a
    city or a province reads a few thousand rows instead of one per school and key."""

    bureau = models.ForeignKey(
        "schools.Bureau", models.PROTECT, related_name="+", verbose_name=_("bureau")
    )

    class Meta:
        verbose_name = _("district hazard count")
        verbose_name_plural = _("district hazard counts")
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "area", "level", "status", "supervised"],
                name="hazard_district_count_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.bureau_id} {self.area_id} {self.level} {self.status}: {self.count}"


class HazardCountsBuilt(TimeStampedModel):
    """A district whose `HazardCount` and `HazardDistrictCount` rows were built from its
    hazards and are kept since."""

    bureau = models.OneToOneField(
        "schools.Bureau",
        models.CASCADE,
        related_name="hazard_counts_built",
        verbose_name=_("bureau"),
    )

    class Meta:
        verbose_name = _("hazard counts built")
        verbose_name_plural = _("hazard counts built")

    def __str__(self) -> str:
        return str(self.bureau_id)
