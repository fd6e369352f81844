"""Risk register API: `/api/v1/risk-points/` with the register page's filters; a point is added
with its first assessment, its details corrected with the `version` read, and `reassess` and
`retire` are actions that call the model's steps.

The model's refusals are mapped once in `api.views.exception_handler`: a step not possible now
409, invalid input 400, wrong role 403, another school's point 404. Every point carries its
`allowed_actions` and its assessments, newest first.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from xiaoan.accounts.access import has_role, membership_of
from xiaoan.core.errors import NotAllowed
from xiaoan.hazards.models import Area
from xiaoan.risks.choices import LIKELIHOOD_CHOICES, SEVERITY_CHOICES, AssessmentReason
from xiaoan.risks.filters import RiskPointFilter
from xiaoan.risks.models import WRITERS, RiskAssessment, RiskPoint, check_writer
from xiaoan.schools.models import School

from .serializers import AllowedActionsField, LabelField, error_responses

DETAILS = [
    "name",
    "location",
    "area",
    "hazard_sources",
    "consequences",
    "control_measures",
    "responsible",
    "responsible_phone",
]


@extend_schema_field(OpenApiTypes.INT)
class VisibleRiskPointField(serializers.PrimaryKeyRelatedField):
    """A risk point the asking user may see (another school's answers "does not exist")."""

    def get_queryset(self) -> QuerySet[RiskPoint]:
        request = self.context.get("request")
        if request is None:
            return RiskPoint.objects.none()
        return RiskPoint.objects.for_user(request.user)


def risk_point_input() -> VisibleRiskPointField:
    return VisibleRiskPointField(
        required=False,
        allow_null=True,
        help_text="The point of the school's risk register where the hazard was found.",
    )


class RiskAssessmentSerializer(serializers.ModelSerializer):
    assessed_by = serializers.CharField(source="assessed_by.username", default=None)
    hazard_code = serializers.CharField(source="hazard.code", default=None)

    class Meta:
        model = RiskAssessment
        fields = [
            "likelihood",
            "severity",
            "score",
            "level",
            "reason",
            "comment",
            "hazard",
            "hazard_code",
            "assessed_by",
            "created_at",
        ]
        read_only_fields = fields


class RiskPointSerializer(serializers.ModelSerializer):
    school = serializers.PrimaryKeyRelatedField(queryset=School.objects.all(), required=False)
    school_name = serializers.CharField(source="school.name", read_only=True)
    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())
    level_display = LabelField("level")
    score = serializers.IntegerField(read_only=True)
    is_active = serializers.BooleanField(read_only=True, help_text="In the register today.")
    assessments = RiskAssessmentSerializer(many=True, read_only=True)
    comment = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        default="",
        help_text="On a new point: the notes of its first assessment.",
    )
    allowed_actions = AllowedActionsField(
        help_text="The steps the caller may take now: edit, reassess, retire."
    )

    class Meta:
        model = RiskPoint
        fields = [
            "id",
            "school",
            "school_name",
            *DETAILS,
            "likelihood",
            "severity",
            "score",
            "level",
            "level_display",
            "identified_on",
            "retired_on",
            "retire_reason",
            "is_active",
            "needs_reassessment",
            "flagged_by",
            "flagged_at",
            "version",
            "comment",
            "assessments",
            "allowed_actions",
        ]
        read_only_fields = [
            "level",
            "retired_on",
            "retire_reason",
            "needs_reassessment",
            "flagged_by",
            "flagged_at",
        ]
        extra_kwargs = {"version": {"required": False}}
        # The model checks its rules on save (one name per school in the register: 400).
        validators: list[Any] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            schools = School.objects.for_user(request.user)
            self.fields["school"].queryset = schools  # type: ignore[attr-defined]


class RiskPointEditSerializer(serializers.ModelSerializer):
    """Correct a point's details; `version` (the copy edited) is required."""

    area = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.all(), required=False
    )
    version = serializers.IntegerField(min_value=1)

    class Meta:
        model = RiskPoint
        fields = [*DETAILS, "version"]
        extra_kwargs = {name: {"required": False} for name in DETAILS}


class ReassessInputSerializer(serializers.Serializer):
    likelihood = serializers.ChoiceField(choices=LIKELIHOOD_CHOICES)
    severity = serializers.ChoiceField(choices=SEVERITY_CHOICES)
    reason = serializers.ChoiceField(
        choices=[c for c in AssessmentReason.choices if c[0] != AssessmentReason.IDENTIFIED]
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version read; changed since answers 409."
    )


class RetireInputSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)
    on = serializers.DateField(required=False, help_text="Empty: today.")
    version = serializers.IntegerField(required=False, min_value=1)


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class RiskPointViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Each school's risk points (风险点), filtered as on the register page (in the register
    today unless `state` says `retired` or `all`)."""

    serializer_class = RiskPointSerializer
    filterset_class = RiskPointFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[RiskPoint]:
        assessments = RiskAssessment.objects.select_related("assessed_by", "hazard")
        return (
            RiskPoint.objects.for_user(self.request.user)
            .select_related("school", "area")
            .prefetch_related(Prefetch("assessments", queryset=assessments))
            .order_by("school__code", "name", "id")
        )

    def _answer(self, point: RiskPoint, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=point.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Add a point with its first assessment (the school's own for a school user)."""
        if not has_role(request.user, *WRITERS):  # who before what
            raise NotAllowed(gettext("Your role may not change the risk register."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        school = data.pop("school", None)
        membership = membership_of(request.user)
        if membership is not None and membership.school_id:
            school = membership.school
        if school is None:
            raise serializers.ValidationError({"school": ["This field is required."]})
        check_writer(request.user, school)
        point = RiskPoint.objects.identify(request.user, school=school, **data)
        return self._answer(point, status.HTTP_201_CREATED)

    @extend_schema(
        request=RiskPointEditSerializer,
        responses={200: RiskPointSerializer, **error_responses(400, 403, 404, 409)},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Correct the point's details; `version` is required and must be current. The level
        changes only by `reassess`."""
        point = self.get_object()
        point.refuse_if_not_allowed(request.user, "edit")
        point.check_edit(request.user)
        data = _valid(RiskPointEditSerializer, request)
        point.version = data.pop("version")
        for name, value in data.items():
            setattr(point, name, value)
        point.save()
        return self._answer(point)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(
        request=ReassessInputSerializer,
        responses={200: RiskPointSerializer, **error_responses(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def reassess(self, request: Request, pk: Any = None) -> Response:
        """A new assessment (school admin or the bureau safety section); clears the flag of a
        recurrence."""
        point = self.get_object()
        point.refuse_if_not_allowed(request.user, "reassess")
        data = _valid(ReassessInputSerializer, request)
        point.reassess(
            request.user,
            likelihood=int(data["likelihood"]),
            severity=int(data["severity"]),
            reason=data["reason"],
            comment=data["comment"],
            version=data.get("version"),
        )
        return self._answer(point)

    @extend_schema(
        request=RetireInputSerializer,
        responses={200: RiskPointSerializer, **error_responses(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: Any = None) -> Response:
        """Take the point off the register (its history stays)."""
        point = self.get_object()
        point.refuse_if_not_allowed(request.user, "retire")
        data = _valid(RetireInputSerializer, request)
        point.retire(
            request.user, reason=data["reason"], on=data.get("on"), version=data.get("version")
        )
        return self._answer(point)


def register_routes(router: BaseRouter) -> None:
    router.register("risk-points", RiskPointViewSet, basename="risk-point")
