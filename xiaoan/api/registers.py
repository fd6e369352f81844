"""Registers API: every register readable with its page's filters; the gate and the assessment
steps as actions that call the model methods.

Refusals map to HTTP: a step not possible now 409, incomplete input 400, wrong role 403,
another school's row 404. Masked ID numbers follow the page's rule (`Visitor.id_for`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from xiaoan.accounts.access import has_role
from xiaoan.accounts.choices import Role
from xiaoan.registers.choices import IdType
from xiaoan.registers.filters import AssessmentFilter, VisitorFilter
from xiaoan.registers.identity import id_error
from xiaoan.registers.models import Assessment, AssessmentEvent, RegisterError, Visitor
from xiaoan.registers.models.assessment import WEIGHTS
from xiaoan.registers.tables import REGISTERS, Register

HIDDEN = {"id_digest", "recorded_by"}


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _serializer_for(register: Register) -> type[serializers.ModelSerializer]:
    fields = [
        f.name
        for f in register.model._meta.concrete_fields
        if f.name not in HIDDEN and f.name != "id_masked"
    ]
    meta = type("Meta", (), {"model": register.model, "fields": fields})
    attrs: dict[str, Any] = {"Meta": meta}
    attrs["school_name"] = serializers.CharField(source="school.name", read_only=True)
    meta.fields = [*fields, "school_name"]  # type: ignore[attr-defined]
    return type(f"{register.model.__name__}Serializer", (serializers.ModelSerializer,), attrs)


def _viewset_for(register: Register) -> type[viewsets.ReadOnlyModelViewSet]:
    def get_queryset(self: Any) -> QuerySet:
        return register.model.objects.for_user(self.request.user).select_related(  # type: ignore[attr-defined]
            *register.related
        )

    return type(
        f"{register.model.__name__}ViewSet",
        (viewsets.ReadOnlyModelViewSet,),
        {
            "__doc__": f"{register.model._meta.verbose_name_plural} (read-only).",
            "serializer_class": _serializer_for(register),
            "filterset_class": register.filterset,
            "get_queryset": get_queryset,
        },
    )


# ---- visitors -------------------------------------------------------------------------------


class VisitorSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField()
    school_name = serializers.CharField(source="school.name", read_only=True)
    watch_list = serializers.CharField(source="watch_hit.reason", default="", read_only=True)

    class Meta:
        model = Visitor
        fields = [
            "id",
            "school",
            "school_name",
            "name",
            "id_type",
            "id_number",
            "organisation",
            "purpose",
            "host",
            "phone",
            "vehicle_plate",
            "entered_at",
            "left_at",
            "refused",
            "refusal_reason",
            "watch_list",
        ]

    def get_id_number(self, visitor: Visitor) -> str:
        return visitor.id_for(self.context["request"].user)


class VisitorRegisterSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    id_type = serializers.ChoiceField(choices=IdType.choices, default=IdType.RESIDENT)
    id_number = serializers.CharField(max_length=30)
    purpose = serializers.CharField(max_length=200)
    organisation = serializers.CharField(max_length=100, required=False, default="")
    host = serializers.CharField(max_length=50, required=False, default="")
    phone = serializers.CharField(max_length=30, required=False, default="")
    vehicle_plate = serializers.CharField(max_length=20, required=False, default="")
    refused = serializers.BooleanField(required=False, default=False)
    refusal_reason = serializers.CharField(max_length=200, required=False, default="")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        error = id_error(data["id_type"], data["id_number"])
        if error:
            raise serializers.ValidationError({"id_number": error})
        return data


class VisitorViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Visitors at the gate: register (school roles of the school), sign out."""

    filterset_class = VisitorFilter

    def get_queryset(self) -> QuerySet[Visitor]:
        return Visitor.objects.for_user(self.request.user).select_related("school", "watch_hit")

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return VisitorRegisterSerializer if self.action == "create" else VisitorSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = getattr(request.user, "membership", None)
        if membership is None or membership.school_id is None:
            raise PermissionDenied
        serializer = VisitorRegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            visitor = Visitor.register(
                school=membership.school, user=request.user, **serializer.validated_data
            )
        except RegisterError as exc:
            raise serializers.ValidationError({"detail": exc.message}) from exc
        body = VisitorSerializer(visitor, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path="sign-out")
    def sign_out(self, request: Request, pk: Any = None) -> Response:
        visitor = self.get_object()
        try:
            visitor.sign_out(request.user)
        except RegisterError as exc:
            raise Conflict(exc.message) from exc
        return Response(VisitorSerializer(visitor, context=self.get_serializer_context()).data)


# ---- assessments ----------------------------------------------------------------------------


class AssessmentEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True)

    class Meta:
        model = AssessmentEvent
        fields = ["kind", "actor", "comment", "data", "total", "result", "created_at"]


class AssessmentSerializer(serializers.ModelSerializer):
    school_name = serializers.CharField(source="school.name", read_only=True)

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
            "vetoed",
            "veto_reason",
            "vetoed_at",
            "result",
        ]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ScoresSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, default="")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for name in WEIGHTS:
            fields[name] = serializers.DecimalField(
                max_digits=5,
                decimal_places=1,
                min_value=0,
                max_value=100,
                required=False,
                allow_null=True,
            )
        return fields


class AssessmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Annual safety assessments, ranked; compute, score and veto as actions."""

    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter

    def get_queryset(self) -> QuerySet[Assessment]:
        return Assessment.objects.for_user(self.request.user).select_related("school").ranked()

    def _step(self, request: Request, run: Any) -> Response:
        assessment = self.get_object()
        try:
            run(assessment)
        except RegisterError as exc:
            raise Conflict(exc.message) from exc
        return Response(self.get_serializer(assessment).data)

    @action(detail=True, methods=["post"])
    def compute(self, request: Request, pk: Any = None) -> Response:
        return self._step(request, lambda a: a.compute(request.user))

    @action(detail=True, methods=["post"], serializer_class=ScoresSerializer)
    def score(self, request: Request, pk: Any = None) -> Response:
        if not has_role(request.user, Role.BUREAU_ADMIN):
            raise PermissionDenied
        data = ScoresSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        comment = values.pop("comment")
        assessment = self.get_object()
        try:
            assessment.score(request.user, values, comment)
        except RegisterError as exc:
            raise serializers.ValidationError({"detail": exc.message}) from exc
        return Response(AssessmentSerializer(assessment).data)

    @action(detail=True, methods=["post"], serializer_class=ReasonSerializer)
    def veto(self, request: Request, pk: Any = None) -> Response:
        reason = _reason(request)
        return self._veto(request, lambda a: a.veto(request.user, reason))

    @action(detail=True, methods=["post"], url_path="lift-veto", serializer_class=ReasonSerializer)
    def lift_veto(self, request: Request, pk: Any = None) -> Response:
        reason = _reason(request)
        return self._veto(request, lambda a: a.lift_veto(request.user, reason))

    def _veto(self, request: Request, run: Any) -> Response:
        if not has_role(request.user, Role.BUREAU_LEADER):
            raise PermissionDenied
        if not _reason(request).strip():
            raise serializers.ValidationError({"reason": "required"})
        assessment = self.get_object()
        try:
            run(assessment)
        except RegisterError as exc:
            raise Conflict(exc.message) from exc
        return Response(AssessmentSerializer(assessment).data)

    @action(detail=True, methods=["get"])
    def events(self, request: Request, pk: Any = None) -> Response:
        assessment = self.get_object()
        events = assessment.events.select_related("actor")
        return Response(AssessmentEventSerializer(events, many=True).data)


def _reason(request: Request) -> str:
    data: Any = request.data
    return str(data.get("reason", "")) if hasattr(data, "get") else ""


def register_routes(router: BaseRouter) -> None:
    """Every register under /api/v1/registers/<slug>/."""
    router.register("registers/visitors", VisitorViewSet, basename="register-visitors")
    router.register("registers/assessments", AssessmentViewSet, basename="register-assessments")
    for register in REGISTERS:
        if register.slug == "visitors":
            continue
        router.register(
            f"registers/{register.slug}",
            _viewset_for(register),
            basename=f"register-{register.slug}",
        )
