"""Registers API: every register readable with its page's filters, and written the way its
page writes it; the gate and the assessment steps as actions that call the model methods.

Creates and updates go through the page's own form (`Register.form`), so the API checks exactly
what the page checks: a driver against article 23, an ID number, a vehicle of the same school.
Refusals map to HTTP: a step not possible now 409, invalid input 400, wrong role 403, another
school's row 404. ID numbers follow the page's rule (`Visitor.id_for`).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.forms.models import model_to_dict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from xiaoan.accounts.access import has_role, membership_of
from xiaoan.accounts.choices import Role
from xiaoan.core.dates import local_today
from xiaoan.hazards.models import HazardError
from xiaoan.registers import reminders
from xiaoan.registers.choices import IdType
from xiaoan.registers.filters import AssessmentFilter, VisitorFilter
from xiaoan.registers.forms import DayForm, DaysForm
from xiaoan.registers.identity import id_error
from xiaoan.registers.models import (
    Assessment,
    AssessmentEvent,
    Driver,
    DutyShift,
    RegisterError,
    SurroundingsCheck,
    Vehicle,
    Visitor,
    district_cover,
)
from xiaoan.registers.models.assessment import WEIGHTS
from xiaoan.registers.models.education import counts_by_school
from xiaoan.registers.tables import BY_SLUG, REGISTERS, Register
from xiaoan.schools.models import School

HIDDEN = {"id_digest", "id_encrypted", "recorded_by"}


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _serializer_for(register: Register) -> type[serializers.ModelSerializer]:
    """All the row's fields; those the page's form does not write are read-only."""
    fields = [
        f.name
        for f in register.model._meta.concrete_fields
        if f.name not in HIDDEN and f.name != "id_masked"
    ]
    form_fields: list[str] = list(register.form._meta.fields or [])
    writable = {"school", *form_fields}
    meta = type(
        "Meta",
        (),
        {
            "model": register.model,
            "fields": [*fields, "school_name"],
            "read_only_fields": [f for f in fields if f not in writable],
        },
    )
    attrs: dict[str, Any] = {"Meta": meta}
    attrs["school_name"] = serializers.CharField(source="school.name", read_only=True)
    return type(f"{register.model.__name__}Serializer", (serializers.ModelSerializer,), attrs)


def _form_errors(form: Any) -> dict[str, list[str]]:
    return {
        ("non_field_errors" if name == "__all__" else name): [str(m) for m in messages]
        for name, messages in form.errors.items()
    }


class RegisterViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """One register: list and read for whoever may see it, create and update for its writers.

    `register` is set by each subclass; `register_viewsets()` makes one per register.
    """

    register: Register

    def get_queryset(self) -> QuerySet:
        model: Any = self.register.model
        return model.objects.for_user(self.request.user).select_related(*self.register.related)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._save(request, None, partial=False)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._save(request, self.get_object(), partial=kwargs.get("partial", False))

    def _save(self, request: Request, instance: Any, *, partial: bool) -> Response:
        if not has_role(request.user, *self.register.writers):
            raise PermissionDenied
        data: Any = request.data
        data = data.dict() if hasattr(data, "dict") else dict(data)
        if instance is None:
            # A field left out takes the model's default, as the page's blank form shows it.
            data = {**_defaults(self.register.form), **data}
        elif partial:
            fields = list(self.register.form._meta.fields or [])
            data = {**model_to_dict(instance, fields=fields), **data}
        form = self.register.form(data=data, instance=instance, user=request.user)
        if not form.is_valid():
            raise serializers.ValidationError(_form_errors(form))
        row = self.get_queryset().get(pk=form.save().pk)
        code = status.HTTP_200_OK if instance is not None else status.HTTP_201_CREATED
        return Response(self.get_serializer(row).data, status=code)


def _defaults(form_class: Any) -> dict[str, Any]:
    return {
        name: field.initial
        for name, field in form_class.base_fields.items()
        if field.initial is not None and not callable(field.initial)
    }


def _viewset_for(register: Register, base: type[RegisterViewSet] = RegisterViewSet) -> type:
    return type(
        f"{register.model.__name__}ViewSet",
        (base,),
        {
            "__doc__": f"{register.model._meta.verbose_name_plural}.",
            "register": register,
            "serializer_class": _serializer_for(register),
            "filterset_class": register.filterset,
        },
    )


class SurroundingsViewSet(RegisterViewSet):
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request: Request, pk: Any = None) -> Response:
        """Put a check that fails any of the four no's on the hazard ledger (area security)."""
        check: SurroundingsCheck = self.get_object()
        if not has_role(request.user, *self.register.writers):
            raise PermissionDenied
        try:
            hazard = check.follow_up(request.user)
        except (RegisterError, HazardError) as exc:
            raise Conflict(exc.message) from exc
        return Response(
            {"id": check.pk, "hazard": hazard.pk, "hazard_code": hazard.code},
            status=status.HTTP_201_CREATED,
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


class VisitorViewSet(RegisterViewSet):
    """Visitors at the gate: register (school roles of the school), sign out, correct details."""

    register = BY_SLUG["visitors"]
    filterset_class = VisitorFilter

    def get_queryset(self) -> QuerySet[Visitor]:
        return Visitor.objects.for_user(self.request.user).select_related("school", "watch_hit")

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return VisitorRegisterSerializer if self.action == "create" else VisitorSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = membership_of(request.user)
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
    veto_proposed = serializers.SerializerMethodField(
        help_text="A major liability accident at the school in the year flags it for the veto."
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
        ]

    def get_veto_proposed(self, assessment: Assessment) -> bool:
        flag = getattr(assessment, "veto_flag", None)
        return assessment.veto_proposed() if flag is None else bool(flag)


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
        return (
            Assessment.objects.for_user(self.request.user)
            .select_related("school")
            .with_veto_flag()
            .ranked()
        )

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


# ---- district views: duty cover, special-group counts, expiring papers ---------------------


class GapSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class DutyCoverSerializer(serializers.Serializer):
    school = serializers.IntegerField(source="school.pk")
    school_code = serializers.CharField(source="school.code")
    school_name = serializers.CharField(source="school.name")
    rostered = serializers.BooleanField()
    uncovered_hours = serializers.FloatField(source="hours")
    gaps = GapSerializer(many=True)


class DutyGapsSerializer(serializers.Serializer):
    day = serializers.DateField()
    results = DutyCoverSerializer(many=True)


class DutyGapsViewSet(viewsets.ViewSet):
    """Each school's stretches of a day with nobody on duty (no roster at all: 24 hours)."""

    @extend_schema(
        parameters=[OpenApiParameter("day", OpenApiTypes.DATE, description="default: today")],
        responses=DutyGapsSerializer,
    )
    def list(self, request: Request) -> Response:
        day = _query_date(request)
        rows = district_cover(
            School.objects.for_user(request.user).filter(is_active=True),
            DutyShift.objects.for_user(request.user),
            day,
        )
        for row in rows:
            row["gaps"] = [{"start": a, "end": b} for a, b in row["gaps"]]
        return Response(DutyGapsSerializer({"day": day, "results": rows}).data)


def _query_date(request: Request) -> Any:
    form = DayForm(request.query_params)
    if not form.is_valid():
        raise serializers.ValidationError(_form_errors(form))
    return form.day_or_today()


class SchoolCountsSerializer(serializers.Serializer):
    school_code = serializers.CharField(source="school__code")
    school_name = serializers.CharField(source="school__name")
    migrant = serializers.IntegerField()
    left_behind = serializers.IntegerField()
    total = serializers.IntegerField()


class SpecialGroupCountsViewSet(viewsets.ViewSet):
    """Special-group children counted by school, for every district role; no names."""

    @extend_schema(responses=SchoolCountsSerializer(many=True))
    def list(self, request: Request) -> Response:
        schools = School.objects.for_user(request.user).filter(is_active=True)
        return Response(SchoolCountsSerializer(counts_by_school(schools), many=True).data)


class DueVehicleSerializer(serializers.ModelSerializer):
    school_name = serializers.CharField(source="school.name")

    class Meta:
        model = Vehicle
        fields = ["id", "school", "school_name", "plate", "inspection_due", "insurance_due"]


class DueDriverSerializer(serializers.ModelSerializer):
    school_name = serializers.CharField(source="school.name")

    class Meta:
        model = Driver
        fields = ["id", "school", "school_name", "name", "licence_valid_until"]


class ExpiringPapersSerializer(serializers.Serializer):
    today = serializers.DateField()
    until = serializers.DateField()
    vehicles = DueVehicleSerializer(many=True)
    drivers = DueDriverSerializer(many=True)


class ExpiringPapersViewSet(viewsets.ViewSet):
    """Vehicles and drivers whose papers fall due within `days` (default 30) or are past."""

    @extend_schema(
        parameters=[OpenApiParameter("days", int, description="0 to 3650, default 30")],
        responses=ExpiringPapersSerializer,
    )
    def list(self, request: Request) -> Response:
        form = DaysForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(_form_errors(form))
        days, today = form.days_or_default(), local_today()
        vehicles, drivers = reminders.expiring(today, days, user=request.user)
        until = today + datetime.timedelta(days=days)
        body = {"today": today, "until": until, "vehicles": vehicles, "drivers": drivers}
        return Response(ExpiringPapersSerializer(body).data)


def register_routes(router: BaseRouter) -> None:
    """Every register under /api/v1/registers/<slug>/, and the district views beside them."""
    router.register("registers/duty-gaps", DutyGapsViewSet, basename="register-duty-gaps")
    router.register(
        "registers/special-group-counts",
        SpecialGroupCountsViewSet,
        basename="register-special-group-counts",
    )
    router.register(
        "registers/expiring-papers", ExpiringPapersViewSet, basename="register-expiring-papers"
    )
    router.register("registers/visitors", VisitorViewSet, basename="register-visitors")
    router.register("registers/assessments", AssessmentViewSet, basename="register-assessments")
    special = {"surroundings": SurroundingsViewSet}
    for register in REGISTERS:
        if register.slug == "visitors":
            continue
        router.register(
            f"registers/{register.slug}",
            _viewset_for(register, special.get(register.slug, RegisterViewSet)),
            basename=f"register-{register.slug}",
        )
