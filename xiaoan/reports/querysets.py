"""Who sees which report: monthly reports by school, official documents by bureau."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.db import models

from xiaoan.accounts.access import in_reach, membership_of
from xiaoan.accounts.choices import Role
from xiaoan.schools.querysets import SchoolOwnedQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class MonthlyReportQuerySet(SchoolOwnedQuerySet):
    """A school sees its own reports; district roles their bureau's (inspectors none)."""

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        membership = membership_of(user)
        if membership is not None and membership.role == Role.DEPT_INSPECTOR:
            return self.none()
        return super().for_user(user)

    def row_keys(self) -> Self:
        """Only what a list row kept rendered is found by (`{% monthly_rows %}`: the report's
        and its school's versions); the rows not kept are read whole (`rows_whole`)."""
        return (
            self.select_related(None)
            .select_related("school")
            .only("version", "updated_at", "school", "school__version")
        )

    def rows_whole(self, reports: list[Any]) -> dict[int, Any]:
        """`reports` read with only their keys (`row_keys`), read whole for their rows, by id."""
        return self.select_related("school").in_bulk([r.pk for r in reports])


class OfficialReportQuerySet(models.QuerySet):
    """Bureau staff see every draft and issued document; the government only issued ones; a
    city's or a province's bureau its own and its districts' issued ones."""

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        if getattr(user, "is_superuser", False) and user.is_authenticated:
            return self.all()
        membership = membership_of(user)
        if membership is None:
            return self.none()
        from .choices import OfficialStatus

        if membership.role in (Role.BUREAU_ADMIN, Role.BUREAU_LEADER):
            return self.filter(bureau=membership.bureau_id)
        if membership.role == Role.GOV_VIEWER:
            return self.filter(bureau=membership.bureau_id, status=OfficialStatus.ISSUED)
        if membership.role in Role.regional():
            # A city or a province: its own documents, and what its districts issued.
            own = models.Q(bureau=membership.bureau_id)
            if membership.role not in Role.regional_admins():
                own &= models.Q(status=OfficialStatus.ISSUED)
            issued = in_reach(membership) & models.Q(status=OfficialStatus.ISSUED)
            return self.filter(own | issued)
        return self.none()


class IssuedDocumentQuerySet(models.QuerySet):
    """The bureau's safety section and leaders see every document their bureau issued; a
    school's users see those issued to their school; the government and the departments none
    (the documents go down to schools)."""

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        if getattr(user, "is_superuser", False) and user.is_authenticated:
            return self.all()
        membership = membership_of(user)
        if membership is None:
            return self.none()
        if membership.school_id is not None:
            return self.filter(receipts__school=membership.school_id)
        if membership.role in (Role.BUREAU_ADMIN, Role.BUREAU_LEADER):
            return self.filter(bureau=membership.bureau_id)
        return self.none()

    def with_receipts(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        """Each document with the receipts `user` may see (a school its own, the bureau every
        school's), their schools and signers: two queries for any number of documents."""
        from .models import DocumentReceipt

        receipts = DocumentReceipt.objects.for_user(user).select_related(
            "school", "signed_by", "opened_by"
        )
        return self.prefetch_related(models.Prefetch("receipts", queryset=receipts))


class DocumentReceiptQuerySet(SchoolOwnedQuerySet):
    """A school's receipts are its own; the bureau's staff see their district's (the
    government and the departments none, as for the documents)."""

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        membership = membership_of(user)
        if membership is not None and membership.role in (Role.GOV_VIEWER, Role.DEPT_INSPECTOR):
            return self.none()
        return super().for_user(user)

    def unsigned(self) -> Self:
        return self.filter(signed_at__isnull=True)
