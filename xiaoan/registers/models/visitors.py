"""Visitor registration at the gate (外来人员准入登记) and the school's watch list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoan.accounts.access import has_role, is_superuser, membership_of, role_of
from xiaoan.accounts.choices import Role
from xiaoan.core.changelog import guarded_update
from xiaoan.core.errors import Invalid, NotAllowed, Refused
from xiaoan.core.validators import validate_phone
from xiaoan.notifications.choices import NotificationKind
from xiaoan.notifications.recipients import About, announce

from .. import identity
from ..choices import IdType
from ..querysets import PersonalQuerySet, VisitorQuerySet
from .base import GATE_WRITERS, SchoolRecord


class WatchListEntry(SchoolRecord):
    """A person the gate must not let in without care (a court order, a past incident…)."""

    name = models.CharField(_("full name"), max_length=50)
    id_masked = models.CharField(_("ID number (masked)"), max_length=30, blank=True)
    id_digest = models.CharField(_("ID digest"), max_length=64, blank=True, editable=False)
    reason = models.CharField(_("reason"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)

    objects = PersonalQuerySet.as_manager()  # type: ignore[misc,assignment]
    changelog_exclude = ("id_digest",)

    class Meta:
        verbose_name = _("watch list entry")
        verbose_name_plural = _("watch list")
        ordering = ["school", "name"]

    def __str__(self) -> str:
        return self.name

    def set_id_number(self, number: str) -> None:
        self.id_masked = identity.mask(number) if number else ""
        self.id_digest = identity.digest(number) if number else ""


def watch_list_match(school: Any, name: str, id_digest: str) -> WatchListEntry | None:
    match = Q(name=name.strip())
    if id_digest:
        match |= Q(id_digest=id_digest)
    return WatchListEntry.objects.filter(match, school=school, is_active=True).first()


class Visitor(SchoolRecord):
    """One visit: who came, why, to whom, when in and out, or why they were refused."""

    writers = GATE_WRITERS

    name = models.CharField(_("full name"), max_length=50)
    id_type = models.CharField(
        _("ID type"), max_length=10, choices=IdType.choices, default=IdType.RESIDENT
    )
    id_masked = models.CharField(_("ID number (masked)"), max_length=30)
    id_encrypted = models.TextField(_("ID number (encrypted)"), blank=True, editable=False)
    id_digest = models.CharField(_("ID digest"), max_length=64, editable=False)
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    host = models.CharField(_("host"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    vehicle_plate = models.CharField(_("vehicle plate"), max_length=20, blank=True)
    entered_at = models.DateTimeField(_("in"))
    left_at = models.DateTimeField(_("out"), null=True, blank=True)
    refused = models.BooleanField(_("refused entry"), default=False)
    refusal_reason = models.CharField(_("reason for refusal"), max_length=200, blank=True)
    # A watch-list person comes in only once the gate keeper has said why (`Visitor.screen`).
    admission_reason = models.CharField(
        _("reason for admitting despite the watch list"), max_length=200, blank=True
    )
    watch_hit = models.ForeignKey(
        WatchListEntry,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("watch list match"),
    )

    objects = VisitorQuerySet.as_manager()  # type: ignore[misc,assignment]
    changelog_exclude = ("id_encrypted", "id_digest")

    class Meta:
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")
        ordering = ["-entered_at"]
        constraints = [
            models.CheckConstraint(
                name="visitor_refusal_has_reason",
                condition=Q(refused=False) | ~Q(refusal_reason=""),
                violation_error_message=_("Give the reason for refusing entry."),
            ),
            models.CheckConstraint(
                name="visitor_refused_never_inside",
                condition=Q(refused=False) | Q(left_at__isnull=True),
            ),
        ]
        indexes = [models.Index(fields=["school", "entered_at"], name="visitor_school_in_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_inside(self) -> bool:
        return not self.refused and self.left_at is None

    def id_for(self, user: Any) -> str:
        """The full number for this school's safety administrator; the masked copy for others."""
        if self.shows_full_id_to(user):
            return identity.decrypt(self.id_encrypted) or self.id_masked
        return self.id_masked

    def shows_full_id_to(self, user: Any) -> bool:
        membership = membership_of(user)
        return (
            has_role(user, Role.SCHOOL_ADMIN)
            and membership is not None
            and membership.school_id == self.school_id
        )

    @classmethod
    def screen(
        cls,
        *,
        school: Any,
        user: Any,
        name: str,
        id_number: str,
        refused: bool = False,
        admission_reason: str = "",
        told: int | None = None,
        **details: Any,
    ) -> WatchListEntry | None:
        """The gate's look at the watch list before anything is recorded.

        A match the gate keeper has not yet decided on (neither refused nor admitted with a
        reason) stops the registration: it is announced at once, urgent, to the school's
        safety administrators and the bureau safety section, and returned so the page asks
        the keeper to decide. `told` is the entry already announced for this visitor (the
        page sends it back), so deciding after a wrong reason does not announce it again.
        """
        _check_gate_keeper(user, school)
        if refused or admission_reason.strip():
            return None
        hit = watch_list_match(school, name, identity.digest(identity.normalise(id_number)))
        if hit is not None and hit.pk != told:
            params = {
                "name": name.strip(),
                "school": school.name,
                "reason": hit.reason,
                "time": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            }
            with transaction.atomic():
                announce(
                    NotificationKind.WATCH_LIST_STOP,
                    About(bureau_id=school.bureau_id, school_ids=(school.pk,)),
                    actor=user,
                    params=params,
                    link=reverse("registers:detail", args=["watch-list", hit.pk]),
                    code=name.strip(),
                )
        return hit

    @classmethod
    def register(
        cls,
        *,
        school: Any,
        user: Any,
        name: str,
        id_type: str,
        id_number: str,
        purpose: str,
        organisation: str = "",
        host: str = "",
        phone: str = "",
        vehicle_plate: str = "",
        refused: bool = False,
        refusal_reason: str = "",
        admission_reason: str = "",
        entered_at: Any = None,
    ) -> Visitor:
        """Check the ID, keep it masked and encrypted, look at the watch list, record the visit.

        A watch-list person is recorded only with the keeper's decision: refused with a reason,
        or admitted with the reason why (`screen` stops the page before this)."""
        _check_gate_keeper(user, school)
        error = identity.id_error(id_type, id_number)
        if error:
            raise Invalid(error, field="id_number")
        if refused and not refusal_reason.strip():
            raise Invalid(gettext("Give the reason for refusing entry."), field="refusal_reason")
        number = identity.normalise(id_number)
        digest = identity.digest(number)
        hit = watch_list_match(school, name, digest)
        admission_reason = admission_reason.strip() if hit is not None and not refused else ""
        if hit is not None and not refused and not admission_reason:
            raise Refused(
                gettext(
                    "%(name)s is on the watch list (%(reason)s): admit them with a reason, or "
                    "refuse entry."
                )
                % {"name": name.strip(), "reason": hit.reason},
                field="admission_reason",
            )
        with transaction.atomic():
            visitor = cls.objects.create(
                school=school,
                recorded_by=user,
                name=name.strip(),
                id_type=id_type,
                id_masked=identity.mask(number),
                id_encrypted=identity.encrypt(number),
                id_digest=digest,
                organisation=organisation,
                purpose=purpose,
                host=host,
                phone=phone,
                vehicle_plate=vehicle_plate.upper(),
                entered_at=entered_at or timezone.now(),
                refused=refused,
                refusal_reason=refusal_reason.strip() if refused else "",
                admission_reason=admission_reason,
                watch_hit=hit,
            )
            if hit is not None:
                visitor._announce_watch_hit(user)
        return visitor

    def _announce_watch_hit(self, user: Any) -> None:
        """The keeper's decision on a watch-list person, urgent, to the school's safety
        administrators and the bureau safety section."""
        hit = self.watch_hit
        assert hit is not None
        params = {
            "name": self.name,
            "school": self.school.name,
            "reason": hit.reason,
            "time": timezone.localtime(self.entered_at).strftime("%Y-%m-%d %H:%M"),
            "outcome": "refused" if self.refused else "admitted",
            "comment": self.refusal_reason if self.refused else self.admission_reason,
        }
        announce(
            NotificationKind.WATCH_LIST_VISITOR,
            About(bureau_id=self.school.bureau_id, school_ids=(self.school_id,)),
            actor=user,
            params=params,
            link=reverse("registers:detail", args=["visitors", self.pk]),
            code=self.name,
        )

    def action_checks(self) -> dict[str, Callable[[Any], object]]:
        return {"edit": self.check_edit, "sign_out": self.check_sign_out}

    def check_sign_out(self, user: Any) -> None:
        _check_gate_keeper(user, self.school)
        if self.refused:
            raise Refused(gettext("A visitor refused entry was never inside."))
        if self.left_at is not None:
            raise Refused(gettext("This visitor has already left."))

    def sign_out(self, user: Any, at: Any = None) -> None:
        """The visitor leaves; a second sign-out (here or at another gate) is refused."""
        self.check_sign_out(user)
        guarded_update(
            self,
            {"left_at": at or timezone.now()},
            user=user,
            expect={"left_at__isnull": True, "refused": False},
        )


def _check_gate_keeper(user: Any, school: Any) -> None:
    """Only the school's own people keep its gate."""
    if is_superuser(user):
        return
    if role_of(user) not in GATE_WRITERS:
        raise NotAllowed(gettext("Only the school's own people keep its gate."))
    if getattr(membership_of(user), "school_id", None) != school.pk:
        raise NotAllowed(gettext("Only the school's own people keep its gate."))
