"""Who sees which hazard, written once for hazards and everything hanging off them."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, Self

from django.db import connections
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
)

from xiaoan.accounts.access import in_reach, membership_of
from xiaoan.accounts.choices import Role
from xiaoan.schools.querysets import SchoolOwnedQuerySet

from .choices import ExtensionStatus, HazardStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


# A hazard found at a school in an area where the school had another (founded) hazard at most
# this many days before is a recurrence: what was rectified did not hold.
RECURRENCE_DAYS = 365


def _superuser(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False))


class HazardOwnedQuerySet(SchoolOwnedQuerySet):
    """School isolation as for every school-owned model, plus one rule for inspectors.

    A department inspector sees only the hazards its own department found, at any school of
    its district. `hazard_prefix` is the lookup path to the hazard ("" for Hazard itself).
    """

    hazard_prefix = ""

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        membership = membership_of(user)
        qs = super().for_user(user)
        if membership is not None and membership.role == Role.DEPT_INSPECTOR:
            qs = qs.filter(**{f"{self.hazard_prefix}department": membership.department_id})
        return qs


class HazardQuerySet(HazardOwnedQuerySet):
    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        """As for every hazard-owned model; a district-wide user's hazards are found by the
        hazard's own bureau (set from its school when reported), without joining the schools,
        so the (bureau, found_on) index serves the ledger's order at a million hazards."""
        membership = membership_of(user)
        if membership is None or membership.school_id is not None or _superuser(user):
            return super().for_user(user)
        qs = self.filter(in_reach(membership))
        if membership.role == Role.DEPT_INSPECTOR:
            qs = qs.filter(department=membership.department_id)
        return qs

    def open(self) -> Self:
        return self.filter(status__in=HazardStatus.open_states())

    def closed(self) -> Self:
        return self.filter(status=HazardStatus.CLOSED)

    def overdue(self, today: datetime.date | None = None) -> Self:
        """Open hazards whose deadline passed before `today` (default: the bureau's today)."""
        from xiaoan.core.dates import local_today

        return self.filter(
            status__in=HazardStatus.overdue_states(), deadline__lt=today or local_today()
        )

    def not_overdue(self, today: datetime.date | None = None) -> Self:
        from xiaoan.core.dates import local_today

        late = Q(status__in=HazardStatus.overdue_states(), deadline__lt=today or local_today())
        return self.exclude(late)

    def supervised(self) -> Self:
        return self.filter(supervised=True)

    def recurrences(self, days: int = RECURRENCE_DAYS) -> Self:
        """Hazards that recurred: founded (not rejected as unfounded), at a school and in an
        area where the school had a founded hazard found at most `days` before (one found the
        same day is of the same finding, not an earlier one)."""
        gap = ExpressionWrapper(OuterRef("found_on") - F("found_on"), output_field=DurationField())
        earlier = (
            self.model._default_manager.filter(school=OuterRef("school"), area=OuterRef("area"))
            .exclude(status=HazardStatus.REJECTED)
            .filter(found_on__lt=OuterRef("found_on"))
            .alias(gap=gap)
            .filter(gap__lte=datetime.timedelta(days=days))
        )
        return self.exclude(status=HazardStatus.REJECTED).filter(Exists(earlier))

    def most_by_school(self, limit: int) -> list[dict[str, Any]]:
        """The `limit` schools with the most of these hazards, with how many and how many of
        them major (`school__pk`, `school__code`, `school__name`, `n`, `major`), the most
        first, ties by code. Grouped by school in SQL before the schools are joined: a
        province joins one row a school instead of one a hazard."""
        from xiaoan.schools.models import School

        from .choices import HazardLevel

        groups = (
            self.order_by()
            .values(behind=F("school"))
            .annotate(n=Count("id"), major=Count("id", filter=Q(level=HazardLevel.MAJOR)))
        )
        sql, params = groups.query.sql_with_params()
        connection = connections[self.db]
        schools = connection.ops.quote_name(School._meta.db_table)
        query = (
            f"SELECT s.id, s.code, s.name, g.n, g.major FROM {schools} s INNER JOIN ({sql}) g"
            " ON g.behind = s.id ORDER BY g.n DESC, s.code, s.id LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(query, [*params, limit])
            names = ("school__pk", "school__code", "school__name", "n", "major")
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    # What a ledger row shows besides the hazard (`hazards/_row.html`).
    ROW_RELATED = ("school", "area")

    def row_keys(self) -> Self:
        """Only what a ledger row kept rendered is found by (`{% ledger_rows %}`: the hazard's,
        its school's and its area's versions) and the order's columns (the page's keyset):
        a page whose rows were rendered before reads these, not six joined records of some
        thirty columns each. The rows not kept are read whole (`rows_whole`)."""
        from xiaoan.core.keyset import keys_of

        order = [key.path for key in keys_of(self)]
        related = [f"{name}__version" for name in self.ROW_RELATED]
        return (
            self.select_related(None)
            .select_related(*self.ROW_RELATED)
            .only("version", "updated_at", *self.ROW_RELATED, *related, *order)
        )

    def api_row_keys(self) -> Self:
        """Only what an API row kept (`api.hazards.kept_rows`) is found by: the hazard's, its
        school's, area's and department's versions, its reporter's login, what the caller's
        reach over it is worked out from (its bureau, school and department), and the order's
        columns (the page's keyset)."""
        from xiaoan.core.keyset import keys_of

        order = [key.path for key in keys_of(self)]
        related = ("school", "area", "department", "reported_by")
        versions = ("school__version", "area__version", "department__version")
        return (
            self.select_related(None)
            .select_related(*related)
            .only(
                "version",
                "updated_at",
                "bureau",
                *related,
                *versions,
                "reported_by__username",
                *order,
            )
        )

    def rows_whole(self, hazards: list[Any]) -> dict[int, Any]:
        """`hazards` read with only their keys (`row_keys`), read whole for their rows, by id."""
        return self.select_related(*self.ROW_RELATED).in_bulk([h.pk for h in hazards])

    def with_related(self) -> Self:
        """What a list row shows, in a fixed number of queries."""
        return self.select_related(
            "school", "area", "campaign", "department", "reported_by", "risk_point"
        )

    def with_names(self) -> Self:
        """The records whose names an API row gives (`api.hazards.HazardSerializer`); its
        campaign and risk point it gives by id, read from the row itself."""
        return self.select_related("school", "area", "department", "reported_by")

    def with_pending_extension(self) -> Self:
        """Each row knows whether an extension request waits (`has_pending_extension`), so
        `allowed_actions` of a list answers without a query per row."""
        from .models import ExtensionRequest

        pending = ExtensionRequest.objects.filter(
            hazard=OuterRef("pk"), status=ExtensionStatus.PENDING
        )
        return self.annotate(has_pending_extension=Exists(pending))


class HazardChildQuerySet(HazardOwnedQuerySet):
    """Events, photos and extension requests: visible exactly when their hazard is."""

    school_field = "hazard__school"
    hazard_prefix = "hazard__"
