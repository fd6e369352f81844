"""Serializers of the organisations, and the pieces every domain's serializers share: the
error bodies (`ErrorSerializer`, `error_responses`) and a row's `allowed_actions`."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from xiaoan.schools.models import School


class ErrorSerializer(serializers.Serializer):
    """What every refused request answers (`api.views.exception_handler`)."""

    detail = serializers.CharField(help_text="What went wrong, in the request's language.")
    code = serializers.CharField(
        required=False,
        help_text=(
            "invalid (400), not_allowed (403), not_found (404), refused or stale (409); "
            "absent when the framework itself refuses (not logged in, no such address)."
        ),
    )


class FieldErrorsSerializer(serializers.Serializer):
    """Input that failed validation: each field (or `detail`, `non_field_errors`) with its
    messages. Its schema is given by `FieldErrorsExtension`."""


class FieldErrorsExtension(OpenApiSerializerExtension):
    target_class = FieldErrorsSerializer

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return {
            "type": "object",
            "description": "Each invalid field with its messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        }


ERROR_DESCRIPTIONS = {
    400: "Invalid input: a sentence and its code, or the invalid fields with their messages.",
    401: "Not logged in.",
    403: "The user's role may not do this.",
    404: "No such record, or one the user may not see.",
    409: "Not possible in the record's present state, or someone else saved it first.",
    429: "Too many login attempts: wait, as the sentence says.",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """The documented error bodies, for `@extend_schema(responses={..., **error_responses(400,
    404)})`."""
    invalid = PolymorphicProxySerializer(
        component_name="InvalidInput",
        serializers=[ErrorSerializer, FieldErrorsSerializer],
        resource_type_field_name=None,
    )
    return {
        status: OpenApiResponse(
            invalid if status == 400 else ErrorSerializer, description=ERROR_DESCRIPTIONS[status]
        )
        for status in statuses
    }


class LabelField(serializers.CharField):
    """A choice field's label in the request's language: `status_display = LabelField("status")`.
    It calls the model's `get_status_display()` itself: given it as a `source`, the framework
    inspects the method's signature again for every row it writes."""

    def __init__(self, field: str, **kwargs: Any) -> None:
        self.choice_field = field
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return str(getattr(value, f"get_{self.choice_field}_display")())


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class AllowedActionsField(serializers.Field):
    """The steps the requesting user may take on this row now (`obj.allowed_actions(user)`):
    `allowed_actions = AllowedActionsField()` on a workflow model's row serializer."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> list[str]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            return []
        return list(value.allowed_actions(user))


class SchoolSerializer(serializers.ModelSerializer):
    kind_display = LabelField("kind")
    is_active = serializers.BooleanField(read_only=True, help_text="On the registry today.")

    class Meta:
        model = School
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_display",
            "address",
            "principal",
            "phone",
            "enrolment",
            "boarding",
            "canteen",
            "private",
            "opened_on",
            "closed_on",
            "merged_into",
            "is_active",
        ]


class SingleObjectSchema(AutoSchema):
    """For a ViewSet whose `list` answers one object (a day's duty cover, the papers expiring
    soon), not a list of rows: drf-spectacular would otherwise document an array."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


class StatsRowSerializer(serializers.Serializer):
    """One row of a dashboard part (its columns depend on the part)."""
