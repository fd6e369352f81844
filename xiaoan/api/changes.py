"""The change log over the API: who changed which record when, from where, before and after.

A bureau's safety section and leaders read their district's changes; anyone else reads the
history of one record (`?model=hazards.hazard&object_id=7`), and only of a record that the
model's `objects.for_user(user)` shows them: another school's record answers 404, as it does
everywhere.
"""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from xiaoan.accounts.access import is_superuser, membership_of
from xiaoan.accounts.choices import Role
from xiaoan.core.dates import day_start
from xiaoan.core.errors import Invalid, NotAllowed, NotFound
from xiaoan.core.models import ChangeLog
from xiaoan.registers import visibility

from .serializers import error_responses

DISTRICT_READERS = (Role.BUREAU_ADMIN, Role.BUREAU_LEADER)


def content_type_of(label: str) -> ContentType:
    """The record type named `app_label.model` (e.g. `hazards.hazard`); 404 if there is none."""
    app_label, _dot, model = label.partition(".")
    try:
        return ContentType.objects.get_by_natural_key(app_label, model.lower())
    except ContentType.DoesNotExist:
        raise NotFound(gettext("Not found.")) from None


def _is_visible(model: Any, object_id: str, user: AbstractBaseUser | AnonymousUser) -> bool:
    try:
        return bool(model.objects.for_user(user).filter(pk=object_id).exists())
    except (ValueError, TypeError, ValidationError):  # not a valid key for this model
        return False


def visible_changes(
    user: AbstractBaseUser | AnonymousUser, model_label: str, object_id: str
) -> QuerySet[ChangeLog]:
    """The change-log rows `user` may read, narrowed to one record when it is named.

    A named record is checked against its model's `for_user` (404 if hidden). Without one, a
    superuser reads every change and the bureau its district's (`ChangeLog.bureau_id`);
    anyone else must name the record.
    """
    rows = ChangeLog.objects.select_related("content_type", "user")
    if bool(model_label) != bool(object_id):
        raise Invalid(gettext("Name the record with both model and object_id."))
    model = None
    if model_label:
        content_type = content_type_of(model_label)
        rows = rows.filter(content_type=content_type, object_id=object_id)
        model = content_type.model_class()
    if is_superuser(user):
        return rows
    hidden = visibility.history_hidden_from(user)
    if model is not None and hasattr(getattr(model, "objects", None), "for_user"):
        if model in hidden or not _is_visible(model, object_id, user):
            raise NotFound(gettext("Not found."))
        return rows
    membership = membership_of(user)
    if membership is not None and membership.role in DISTRICT_READERS:
        hidden_types = ContentType.objects.get_for_models(*hidden).values() if hidden else []
        return rows.filter(bureau_id=membership.bureau_id).exclude(content_type__in=hidden_types)
    if model_label:
        raise NotFound(gettext("Not found."))
    raise NotAllowed(
        gettext("Only the bureau reads the whole district's changes: name one record.")
    )


class ChangeFilter(django_filters.FilterSet):
    model = django_filters.CharFilter(
        method="of_model", label="The record type as app_label.model, e.g. hazards.hazard."
    )
    object_id = django_filters.CharFilter(label="The record's id (given with model).")
    user = django_filters.CharFilter(method="by_user", label="Who changed it: username or id.")
    since = django_filters.DateFilter(method="from_day", label="Changes on or after this day.")
    until = django_filters.DateFilter(method="to_day", label="Changes on or before this day.")

    class Meta:
        model = ChangeLog
        fields = ["model", "object_id", "user", "since", "until"]

    def of_model(self, rows: QuerySet[ChangeLog], name: str, value: str) -> QuerySet[ChangeLog]:
        return rows.filter(content_type=content_type_of(value))

    def by_user(self, rows: QuerySet[ChangeLog], name: str, value: str) -> QuerySet[ChangeLog]:
        who = Q(user__username=value)
        if value.isdigit():
            who |= Q(user_id=int(value))
        return rows.filter(who)

    def from_day(
        self, rows: QuerySet[ChangeLog], name: str, value: datetime.date
    ) -> QuerySet[ChangeLog]:
        return rows.filter(created_at__gte=day_start(value))

    def to_day(
        self, rows: QuerySet[ChangeLog], name: str, value: datetime.date
    ) -> QuerySet[ChangeLog]:
        return rows.filter(created_at__lt=day_start(value + datetime.timedelta(days=1)))


class ChangeUserSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField(source="get_full_name")


class ChangeSerializer(serializers.ModelSerializer):
    model = serializers.SerializerMethodField()
    user = ChangeUserSerializer(read_only=True, allow_null=True)
    before = serializers.DictField(read_only=True, allow_null=True)
    after = serializers.DictField(read_only=True, allow_null=True)

    class Meta:
        model = ChangeLog
        fields = [
            "id",
            "model",
            "object_id",
            "object_repr",
            "action",
            "user",
            "address",
            "created_at",
            "before",
            "after",
        ]
        read_only_fields = fields

    def get_model(self, entry: ChangeLog) -> str:
        return f"{entry.content_type.app_label}.{entry.content_type.model}"


@extend_schema_view(
    list=extend_schema(
        summary="The change log",
        description=(
            "Every create, update and step of the records users write, newest first: who, "
            "when, from which address, the changed fields before and after. The bureau reads "
            "its district's changes; anyone else names one record it may see (model and "
            "object_id), else 404."
        ),
        responses={200: ChangeSerializer(many=True), **error_responses(400, 404)},
    )
)
class ChangeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ChangeSerializer
    filterset_class = ChangeFilter
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self) -> QuerySet[ChangeLog]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator's pass
            return ChangeLog.objects.none()
        params = self.request.query_params
        return visible_changes(
            self.request.user, params.get("model", ""), params.get("object_id", "")
        )
