"""Assessments API: the year's ranking with the page's filters; compute, score, veto and lift
the veto as actions that call the model's steps.

Each step may carry the `version` the client read: an assessment changed since answers 409
(`core.errors.Stale`). The model's refusals are mapped once in `api.views.exception_handler`:
a step not possible now 409, invalid input 400, wrong role 403, another district's 404. Every
assessment carries its `allowed_actions`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from xiaoan.assessments.filters import AssessmentFilter
from xiaoan.assessments.models import WEIGHTS, Assessment, AssessmentEvent

from .serializers import AllowedActionsField, error_responses


class AssessmentEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)

    class Meta:
        model = AssessmentEvent
        fields = [
            "kind",
            "actor",
            "from_status",
            "to_status",
            "comment",
            "data",
            "total",
            "result",
            "created_at",
        ]


class AssessmentSerializer(serializers.ModelSerializer):
    school_name = serializers.CharField(source="school.name", read_only=True)
    veto_proposed = serializers.SerializerMethodField(
        help_text="A major liability accident at the school in the year flags it for the veto."
    )
    allowed_actions = AllowedActionsField(
        help_text="The steps the asking user may take now: compute, score, veto, lift_veto."
    )

    class Meta:
        model = Assessment
        fields = [
            "id",
            "school",
            "school_name",
            "year",
            *WEIGHTS,
            "computed_items",
            "total",
            "veto_proposed",
            "vetoed",
            "veto_reason",
            "vetoed_at",
            "result",
            "version",
            "allowed_actions",
        ]

    def get_veto_proposed(self, assessment: Assessment) -> bool:
        flag = getattr(assessment, "veto_flag", None)
        return assessment.veto_proposed() if flag is None else bool(flag)


class AssessmentStepSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The version read; if the assessment changed since, the step answers 409.",
    )


class AssessmentReasonSerializer(AssessmentStepSerializer):
    reason = serializers.CharField(allow_blank=True)


class AssessmentScoresSerializer(AssessmentStepSerializer):
    comment = serializers.CharField(required=False, default="", allow_blank=True)
    inspections_score = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, max_value=100, required=False, allow_null=True
    )
    hazards_score = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, max_value=100, required=False, allow_null=True
    )
    monthly_score = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, max_value=100, required=False, allow_null=True
    )
    registers_score = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, max_value=100, required=False, allow_null=True
    )
    incidents_score = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, max_value=100, required=False, allow_null=True
    )


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class AssessmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Annual safety assessments, ranked; compute, score and veto as actions."""

    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter

    def get_queryset(self) -> QuerySet[Assessment]:
        return (
            Assessment.objects.for_user(self.request.user)
            .select_related("school")
            .with_veto_flag()
            .ranked()
        )

    def _answer(self, assessment: Assessment) -> Response:
        return Response(self.get_serializer(assessment).data)

    @extend_schema(
        request=AssessmentStepSerializer,
        responses={200: AssessmentSerializer, **error_responses(403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def compute(self, request: Request, pk: Any = None) -> Response:
        """Fill in every item the data can measure (bureau safety section)."""
        data = _valid(AssessmentStepSerializer, request)
        assessment = self.get_object()
        assessment.compute(request.user, version=data.get("version"))
        return self._answer(assessment)

    @extend_schema(
        request=AssessmentScoresSerializer,
        responses={200: AssessmentSerializer, **error_responses(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def score(self, request: Request, pk: Any = None) -> Response:
        """Score the items the data cannot measure (bureau safety section); 400 for a computed
        item or a score outside 0–100."""
        assessment = self.get_object()
        assessment.check_score(request.user)
        data = _valid(AssessmentScoresSerializer, request)
        version, comment = data.pop("version", None), data.pop("comment")
        assessment.score(request.user, data, comment, version=version)
        return self._answer(assessment)

    @extend_schema(
        request=AssessmentReasonSerializer,
        responses={200: AssessmentSerializer, **error_responses(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def veto(self, request: Request, pk: Any = None) -> Response:
        """Apply the one-vote veto (bureau leader, reason required); 409 if already applied."""
        assessment = self.get_object()
        assessment.check_veto(request.user)
        data = _valid(AssessmentReasonSerializer, request)
        assessment.veto(request.user, data["reason"], version=data.get("version"))
        return self._answer(assessment)

    @extend_schema(
        request=AssessmentReasonSerializer,
        responses={200: AssessmentSerializer, **error_responses(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="lift-veto")
    def lift_veto(self, request: Request, pk: Any = None) -> Response:
        """Lift the veto (bureau leader, reason required); 409 if none was applied."""
        assessment = self.get_object()
        assessment.check_lift_veto(request.user)
        data = _valid(AssessmentReasonSerializer, request)
        assessment.lift_veto(request.user, data["reason"], version=data.get("version"))
        return self._answer(assessment)

    @extend_schema(responses=AssessmentEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request: Request, pk: Any = None) -> Response:
        assessment = self.get_object()
        events = assessment.events.select_related("actor")
        return Response(AssessmentEventSerializer(events, many=True).data)


def register_routes(router: BaseRouter) -> None:
    """The assessments where they have always been, beside the registers."""
    router.register("registers/assessments", AssessmentViewSet, basename="register-assessments")
