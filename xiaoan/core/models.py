"""Shared models: the abstract ones every app builds on, and the infrastructure (the change
log, client requests, background jobs); no domain lives here."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .errors import Invalid


class Labelled(models.Model):
    """`get_FOO_display()` from a table of the field's labels made once per field: Django's own
    makes it again on every call, hashing every (lazy, so translated) label to find one — a
    list of 50 rows with two labels each spent 6 ms a request on it. Same answers: the label
    in the current language, the value itself where it has none."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: Any) -> Any:
        labels = field.__dict__.get("_xiaoan_labels")
        if labels is None:
            labels = {make_hashable(value): label for value, label in field.flatchoices}
            field.__dict__["_xiaoan_labels"] = labels
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


class TimeStampedModel(Labelled):
    """Adds creation and last-change stamps to every concrete model."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    IMPORT = "import", _("Imported")
    STATE = "state", _("Step taken")


class ChangeLog(models.Model):
    """Who changed which record when, with its field values before and after (never edited)."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", models.PROTECT, verbose_name=_("record type")
    )
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=200)
    action = models.CharField(_("action"), max_length=10, choices=ChangeAction.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    bureau_id = models.IntegerField(_("bureau"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("change log entry")
        verbose_name_plural = _("change log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="changelog_object_idx"),
            models.Index(fields=["bureau_id", "created_at"], name="changelog_bureau_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.object_repr} · {self.get_action_display()}"

    @property
    def changed_fields(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        return [(k, before.get(k), after.get(k)) for k in after if before.get(k) != after.get(k)]


class Versioned(Labelled):
    """A record that two people may edit at once: every save checks and raises `version`.

    `save()` updates the row only where its version is still the one this object was read
    with (or that a form posted back); otherwise it raises `core.errors.Stale` and nothing is
    written. Every create and update is written to the change log in the same transaction.
    State changes go through `core.changelog.guarded_update`, which does the same for a few
    fields and a expected state.
    """

    version = models.PositiveIntegerField(_("version"), default=1)

    _expected_version: int | None = None

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        from .changelog import loaded_snapshot, record_change

        adding = self._state.adding
        before = None if adding else loaded_snapshot(self)
        expected = self.version
        with transaction.atomic(using=kwargs.get("using")):
            self.check_rules()
            if not adding:
                self._expected_version = expected
                self.version = (expected or 0) + 1
                update_fields = kwargs.get("update_fields")
                if update_fields is not None:
                    kwargs["update_fields"] = {*update_fields, "version", "updated_at"}
            try:
                super().save(*args, **kwargs)
            except IntegrityError as error:
                # Another request saved the same entry between the check and the write.
                self.version, self._expected_version = expected, None
                raise Invalid(conflict_message()) from error
            except Exception:
                self.version = expected
                self._expected_version = None
                raise
            record_change(
                self, None, ChangeAction.CREATE if adding else ChangeAction.UPDATE, before
            )
        self._expected_version = None
        self._db_values = {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields}

    def check_rules(self) -> None:
        """The table's rules (unique entries, named constraints), checked before the write
        whoever writes — a page, the API, an import — so a duplicate is refused with a sentence
        (400), never a database error (500). Forms check the same rules at their fields first."""
        try:
            self.validate_unique()
            self.validate_constraints()
        except ValidationError as error:
            raise Invalid(" ".join(error.messages)) from error

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any, **kwargs: Any) -> Any:
        instance = super().from_db(db, field_names, values, **kwargs)
        # The values as read, kept raw: the change log's "before" is built only on save.
        instance._db_values = dict(zip(field_names, values, strict=False))
        return instance

    def _do_update(
        self,
        base_qs: Any,
        using: Any,
        pk_val: Any,
        values: Any,
        update_fields: Any,
        forced_update: Any,
        *args: Any,
    ) -> Any:
        from .errors import Stale

        expected = getattr(self, "_expected_version", None)
        guarded = base_qs if expected is None else base_qs.filter(version=expected)
        updated = super()._do_update(
            guarded, using, pk_val, values, update_fields, forced_update, *args
        )
        if not updated and expected is not None and base_qs.filter(pk=pk_val).exists():
            raise Stale(stale_message())
        return updated


def conflict_message() -> str:
    return gettext("This entry conflicts with one saved just now; reload the page and check it.")


def stale_message() -> str:
    return gettext(
        "Someone else saved this record after you opened it. Reload the page to see their "
        "changes, then make yours again."
    )


class WorkflowEvent(TimeStampedModel):
    """One step of a workflow record's history: who took it, from which state to which, why.

    Each workflow model has its concrete event model with a foreign key to its record; the
    step's parameters are stored in `data`, its kind as a code, so the text is translated
    when shown.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    kind = models.CharField(_("step"), max_length=25)
    from_status = models.CharField(_("from status"), max_length=25, blank=True)
    to_status = models.CharField(_("to status"), max_length=25, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


class ActiveDuring:
    """A record that is on its register for a span of days (see `core.querysets`).

    The model names its two date fields in `active_span` (start, end); its queryset mixes in
    `core.querysets.ActiveDuringQuerySet` for `as_of(day)` and `current()`.
    """

    active_span: tuple[str, str] = ("active_from", "active_until")

    def active_on(self, day: Any) -> bool:
        start, end = (getattr(self, name) for name in self.active_span)
        return (start is None or start <= day) and (end is None or end > day)

    @property
    def is_active(self) -> bool:
        """On the register today."""
        from .dates import local_today

        return self.active_on(local_today())


def span_in_order(name: str, start: str = "active_from", end: str = "active_until") -> Any:
    """The named database rule: a record leaves its register after the day it joined."""
    condition = (
        models.Q(**{f"{start}__isnull": True})
        | models.Q(**{f"{end}__isnull": True})
        | models.Q(**{f"{end}__gt": models.F(start)})
    )
    return models.CheckConstraint(
        name=name,
        condition=condition,
        violation_error_message=_("The end date must come after the start date."),
    )


class ClientRequest(models.Model):
    """A write a device sent with its own id (the `X-Idempotency-Key` header), and the answer it
    got: the same id sent again (a retry after a lost answer, a phone back online) gets the same
    answer, and nothing is written twice (`core.idempotency.idempotent`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("user")
    )
    key = models.UUIDField(_("client request id"))
    path = models.CharField(_("address"), max_length=300)
    status = models.PositiveSmallIntegerField(_("status"))
    location = models.CharField(_("redirected to"), max_length=300, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    body = models.TextField(_("answer"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("client request")
        verbose_name_plural = _("client requests")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="clientrequest_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.path}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", pgettext_lazy("job", "Running")
    DONE = "done", pgettext_lazy("job", "Done")
    FAILED = "failed", pgettext_lazy("job", "Failed")


class JobQuerySet(models.QuerySet["Job"]):
    def for_user(self, user: Any) -> JobQuerySet:
        """A job is seen only by whoever asked for it."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user_id=user.pk)


class Job(models.Model):
    """Work too long for a web request (a province's document, a large import), run by a
    worker (`core.jobs`): who asked for it, how far it has got, and what it made — a message
    and a file, kept in the shared storage until it is fetched or the job is pruned."""

    kind = models.CharField(_("kind"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("asked by")
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=200, blank=True)
    message = models.TextField(pgettext_lazy("job", "result"), blank=True)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to="jobs/", blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    # A file given out once (initial passwords): removed when it is fetched.
    once = models.BooleanField(_("downloaded once"), default=False)
    fetched_at = models.DateTimeField(_("fetched at"), null=True, blank=True)
    runs = models.PositiveSmallIntegerField(_("runs"), default=0)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="job_user_recent_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("jobs:detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def has_file(self) -> bool:
        return self.status == JobStatus.DONE and bool(self.file) and self.fetched_at is None
