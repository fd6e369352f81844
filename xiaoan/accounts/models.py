"""Who a user is in the district: one membership giving one role at one organisation."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hasher
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xiaoan.core.bulk import BATCH, insert_rows
from xiaoan.core.changelog import change_entry, guarded_update, recorded_as
from xiaoan.core.errors import Invalid, NotAllowed, Refused
from xiaoan.core.models import ChangeAction, ChangeLog, TimeStampedModel, Versioned
from xiaoan.core.validators import validate_phone
from xiaoan.core.workflow import Actions

from .access import is_superuser, membership_of
from .choices import REGIONAL_LEVEL, Role
from .hashers import OneTimePasswordHasher
from .querysets import MembershipQuerySet


@dataclass(frozen=True)
class NewAccount:
    """An account to open: its login, the user's name, and the role at its organisation."""

    username: str
    full_name: str
    role: str
    school: Any = None
    department: Any = None
    section: Any = None
    title: str = ""
    phone: str = ""


class MembershipManager(models.Manager.from_queryset(MembershipQuerySet)):  # type: ignore[misc]
    def open_account(
        self,
        user: Any,
        *,
        bureau: Any,
        username: str,
        full_name: str,
        role: str,
        school: Any = None,
        department: Any = None,
        section: Any = None,
        title: str = "",
        phone: str = "",
    ) -> tuple[Membership, str]:
        """A new login with its membership and a temporary password (returned once; the user
        must change it at the first login)."""
        new = NewAccount(username, full_name, role, school, department, section, title, phone)
        return self.open_accounts(user, bureau, [new])[0]

    def open_accounts(
        self, user: Any, bureau: Any, accounts: Sequence[NewAccount]
    ) -> list[tuple[Membership, str]]:
        """New logins of the district, each with its membership and temporary password, in a
        few statements whatever their number (a registry's import opens thousands): every
        account checked first (who may open it, its organisation, its login not taken), then
        the logins, the memberships and their change-log rows inserted in batches, in one
        transaction. The membership's named constraints are those `clean_organisation`
        checks; a login's "only once" rule is `taken_logins`, for the whole batch."""
        for new in accounts:
            check_may_manage(user, bureau.pk, new.role, _pk(new.school))
            clean_organisation(
                bureau.pk,
                role=new.role,
                school=new.school,
                department=new.department,
                section=new.section,
            )
        usernames = [new.username.strip() for new in accounts]
        taken = {login.upper() for login in taken_logins(usernames)}
        for username in usernames:
            if not username or username.upper() in taken:
                raise Invalid(gettext("The login “%(name)s” is taken.") % {"name": username})
            taken.add(username.upper())  # twice in the same batch
        logins = [
            get_user_model()(username=username, first_name=new.full_name.strip())
            for new, username in zip(accounts, usernames, strict=True)
        ]
        passwords = [set_temporary_password(login) for login in logins]
        with transaction.atomic():
            insert_rows(get_user_model(), logins, returning_ids=True)
            memberships = [
                self.model(
                    user=login,
                    role=new.role,
                    bureau=bureau,
                    school=new.school,
                    department=new.department,
                    section=new.section,
                    title=new.title,
                    phone=new.phone,
                    must_change_password=True,
                )
                for new, login in zip(accounts, logins, strict=True)
            ]
            insert_rows(self.model, memberships, returning_ids=True)
            entries = [login_entry(login, user, None, bureau.pk) for login in logins]
            with recorded_as(ChangeAction.CREATE, user):
                entries += [change_entry(m, None, ChangeAction.CREATE) for m in memberships]
            insert_rows(ChangeLog, [e for e in entries if e is not None])
        return list(zip(memberships, passwords, strict=True))


class Membership(Actions, Versioned, TimeStampedModel):
    """A user's role in a district: at the bureau, at a partner department or at a school.

    Every membership names the bureau (the district's scope); school roles also name the
    school and inspectors their department. `for_user()` querysets read nothing else.

    It is the account as the bureau (or a school's administrator, for its staff) manages it:
    `Membership.objects.open_account(...)`, then the steps `edit` (`change`), `deactivate`,
    `activate` and `reset_password`, each checked first by `action_checks()`. Every write goes
    to the change log: the membership's through `Versioned`, the login's (name, active) as a
    change of the user; passwords never.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="membership", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    bureau = models.ForeignKey(
        "schools.Bureau", models.PROTECT, related_name="memberships", verbose_name=_("bureau")
    )
    section = models.ForeignKey(
        "schools.BureauSection",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("bureau section"),
    )
    department = models.ForeignKey(
        "schools.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("department"),
    )
    school = models.ForeignKey(
        "schools.School",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("school"),
    )
    title = models.CharField(_("job title"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    is_active = models.BooleanField(_("active"), default=True)
    # Set by a password reset (and for a new account): the next login must choose a new one.
    must_change_password = models.BooleanField(_("must change password"), default=False)

    objects = MembershipManager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_school_roles_have_school",
                condition=~Q(role__in=Role.school_roles()) | Q(school__isnull=False),
            ),
            models.CheckConstraint(
                name="membership_district_roles_have_no_school",
                condition=Q(role__in=Role.school_roles()) | Q(school__isnull=True),
            ),
            models.CheckConstraint(
                name="membership_inspectors_have_department",
                condition=~Q(role=Role.DEPT_INSPECTOR) | Q(department__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    @property
    def organisation_name(self) -> str:
        if self.school_id:
            return str(self.school)
        if self.department_id:
            return str(self.department)
        return str(self.bureau)

    @property
    def is_school_user(self) -> bool:
        return self.role in Role.school_roles()

    @property
    def is_regional(self) -> bool:
        """Of a city's or a province's bureau (reads its districts, edits none of them)."""
        return self.role in Role.regional()

    @property
    def is_bureau_admin(self) -> bool:
        return self.role == Role.BUREAU_ADMIN

    @property
    def is_bureau_leader(self) -> bool:
        return self.role == Role.BUREAU_LEADER

    @property
    def is_inspector(self) -> bool:
        return self.role == Role.DEPT_INSPECTOR

    @property
    def is_school_admin(self) -> bool:
        return self.role == Role.SCHOOL_ADMIN

    def get_absolute_url(self) -> str:
        return reverse("accounts:user_detail", args=[self.pk])

    def action_checks(self) -> dict[str, Callable[[Any], object]]:
        return {
            "edit": self._check_edit,
            "deactivate": self._check_deactivate,
            "activate": self._check_activate,
            "reset_password": self._check_reset_password,
        }

    def _check_edit(self, user: Any) -> None:
        check_may_manage(user, self.bureau_id, self.role, self.school_id)

    def _check_deactivate(self, user: Any) -> None:
        self._check_edit(user)
        if not self.is_active:
            raise Refused(gettext("This account is already deactivated."))
        if self.user_id == getattr(user, "pk", None):
            raise Refused(gettext("You cannot deactivate your own account."))

    def _check_activate(self, user: Any) -> None:
        self._check_edit(user)
        if self.is_active:
            raise Refused(gettext("This account is already active."))

    def _check_reset_password(self, user: Any) -> None:
        self._check_edit(user)
        if not self.is_active:
            raise Refused(gettext("Activate the account before resetting its password."))

    def change(self, user: Any, **values: Any) -> None:
        """Edit the login's name and the role, organisation, title and phone (`values` holds
        those given; `username` and `full_name` belong to the login)."""
        self._check_edit(user)
        account = self.user
        username = values.pop("username", account.username)
        full_name = values.pop("full_name", account.first_name)
        merged = {f: values.get(f, getattr(self, f)) for f in ORGANISATION_FIELDS}
        check_may_manage(user, self.bureau_id, merged["role"], _pk(merged["school"]))
        clean_organisation(self.bureau_id, **merged, unchanged=self)
        with transaction.atomic():
            if (username, full_name) != (account.username, account.first_name):
                _check_username(username, account.pk)
                before = login_snapshot(account)
                account.username, account.first_name = username, full_name
                account.save(update_fields=["username", "first_name"])
                log_login(account, user, before, self.bureau_id)
            for name, value in values.items():
                setattr(self, name, value)
            with recorded_as(ChangeAction.UPDATE, user):  # by the user also off a request
                self.save()

    def deactivate(self, user: Any) -> None:
        """Never deleted: the login stops working, its API token and sessions end."""
        self._check_deactivate(user)
        self._set_active(user, False)

    def activate(self, user: Any) -> None:
        self._check_activate(user)
        self._set_active(user, True)

    def _set_active(self, user: Any, active: bool) -> None:
        account = self.user
        with transaction.atomic():
            guarded_update(self, {"is_active": active}, user=user)
            before = login_snapshot(account)
            account.is_active = active  # an inactive user's sessions are no longer accepted
            account.save(update_fields=["is_active"])  # ... and its token is revoked
            log_login(account, user, before, self.bureau_id)

    def reset_password(self, user: Any) -> str:
        """A new temporary password, returned once (never stored in clear nor logged); the
        user must choose a new one at the next login. Sessions and the API token end."""
        self._check_reset_password(user)
        account = self.user
        with transaction.atomic():
            password = set_temporary_password(account)
            account.save(update_fields=["password"])
            guarded_update(self, {"must_change_password": True}, user=user)
        return password

    def password_changed(self) -> None:
        """The user chose a new password: the temporary one is no longer asked to change."""
        if self.must_change_password:
            guarded_update(self, {"must_change_password": False}, user=self.user)


ORGANISATION_FIELDS = ("role", "school", "department", "section")
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def temporary_password() -> str:
    """12 characters a person can read out and type (no 0/O, 1/l/I)."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(12))


def set_temporary_password(account: Any) -> str:
    """Give the account a new temporary password, made here, and return it (to hand out once).

    It is hashed with the one-time hasher (`accounts.hashers`: few rounds, since 12 random
    characters need no stretching), which Django replaces with the default hasher at the
    first login; the password a person chooses is hashed by `set_password` with the default.
    Where the one-time hasher is not listed (a test's fast hasher) the default hashes it."""
    password = temporary_password()
    try:
        hasher = get_hasher(OneTimePasswordHasher.algorithm)
    except ValueError:
        account.set_password(password)
    else:
        account.password = hasher.encode(password, hasher.salt())
        account._password = password  # as set_password does: validators see it on save
    return password


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def check_may_manage(user: Any, bureau_id: Any, role: str, school_id: Any) -> None:
    """The bureau safety section manages its district's accounts; a school's administrator
    the staff accounts of its own school (a role before a state: 403)."""
    if is_superuser(user):
        return
    membership = membership_of(user)
    if membership is not None and membership.bureau_id == bureau_id:
        if membership.is_bureau_admin:
            return
        if (
            membership.is_school_admin
            and role == Role.SCHOOL_STAFF
            and school_id == membership.school_id
        ):
            return
    raise NotAllowed(
        gettext(
            "Only the bureau safety section manages accounts; a school's administrator "
            "manages its own staff's."
        )
    )


def clean_organisation(
    bureau_id: Any,
    *,
    role: str,
    school: Any,
    department: Any,
    section: Any,
    unchanged: Membership | None = None,
) -> None:
    """A school role names a school of the district, an inspector a department, the bureau's
    roles neither; a retired department or section is not given to anyone new."""
    if role not in Role.values:
        raise Invalid(gettext("Choose a role."))
    if role in REGIONAL_LEVEL:
        _check_level(bureau_id, role)
    if role in Role.school_roles():
        if school is None or school.bureau_id != bureau_id:
            raise Invalid(gettext("A school's account names its school."))
        if department is not None or section is not None:
            raise Invalid(gettext("A school's account names no department or section."))
        return
    if school is not None:
        raise Invalid(gettext("Only a school's account names a school."))
    if role == Role.DEPT_INSPECTOR and department is None:
        raise Invalid(gettext("A department inspector's account names its department."))
    if role != Role.DEPT_INSPECTOR and department is not None:
        raise Invalid(gettext("Only a department inspector's account names a department."))
    for org, field in ((department, "department_id"), (section, "section_id")):
        if org is None:
            continue
        if org.bureau_id != bureau_id:
            raise Invalid(gettext("Choose an organisation of the district."))
        kept = unchanged is not None and getattr(unchanged, field) == org.pk
        if not org.is_active and not kept:
            raise Invalid(gettext("“%(name)s” is retired.") % {"name": org.name})


def _check_level(bureau_id: Any, role: str) -> None:
    """A city's roles belong to a city's bureau, a province's to a province's."""
    bureau: Any = Membership._meta.get_field("bureau").related_model
    level = bureau.objects.filter(pk=bureau_id).values_list("region__level", flat=True).first()
    if level != REGIONAL_LEVEL[Role(role)]:
        raise Invalid(gettext("This role belongs to a bureau of another level."))


def _check_username(username: str, own_pk: Any = None) -> None:
    if not username or taken_logins([username], own_pk):
        raise Invalid(gettext("The login “%(name)s” is taken.") % {"name": username})


def taken_logins(usernames: Iterable[str], own_pk: Any = None) -> set[str]:
    """Those of `usernames` another user has already, in any case (Carol is carol), looked up
    in a query per BATCH logins."""
    wanted: dict[str, str] = {}
    for username in usernames:
        wanted.setdefault(username.upper(), username)
    keys = list(wanted)
    users = get_user_model().objects.exclude(pk=own_pk).annotate(login=Upper("username"))
    found: set[str] = set()
    for start in range(0, len(keys), BATCH):
        chunk = users.filter(login__in=keys[start : start + BATCH])
        found.update(chunk.values_list("login", flat=True))
    return {wanted[key] for key in found}


def login_snapshot(account: Any) -> dict[str, Any]:
    """What the change log keeps of a login: never its password."""
    return {
        "username": account.username,
        "first_name": account.first_name,
        "is_active": account.is_active,
    }


def log_login(account: Any, user: Any, before: dict[str, Any] | None, bureau_id: Any) -> None:
    entry = login_entry(account, user, before, bureau_id)
    if entry is not None:
        entry.save()


def login_entry(
    account: Any, user: Any, before: dict[str, Any] | None, bureau_id: Any
) -> ChangeLog | None:
    """The change-log row of a login created (`before` None) or changed, unsaved."""
    action = ChangeAction.CREATE if before is None else ChangeAction.UPDATE
    entry = change_entry(account, user, action, before, login_snapshot(account))
    if entry is not None:
        entry.bureau_id = bureau_id  # a login has no district of its own; its membership's
    return entry


class TwoFactor(TimeStampedModel):
    """A user's confirmed TOTP secret (the second factor at login)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("user")
    )
    secret = models.CharField(_("secret"), max_length=64)
    last_step = models.BigIntegerField(_("last code step used"), default=0)

    class Meta:
        verbose_name = _("second factor")
        verbose_name_plural = _("second factors")

    def __str__(self) -> str:
        return str(self.user)

    def verify(self, code: str) -> bool:
        """True once per valid code; a code already used (or older) is refused."""
        totp = pyotp.TOTP(self.secret)
        code = "".join(ch for ch in str(code) if ch.isdigit())
        now = timezone.now()
        for offset in (-1, 0, 1):
            step = totp.timecode(now) + offset
            if step > self.last_step and totp.generate_otp(step) == code and len(code) == 6:
                updated = TwoFactor.objects.filter(pk=self.pk, last_step__lt=step).update(
                    last_step=step
                )
                return bool(updated)
        return False
