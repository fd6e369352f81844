"""Registers API: every register readable with its page's filters, and written the way its
page writes it; the gate's sign-out and the surroundings follow-up as actions that call the
model methods.

Creates and updates go through the page's own form (`Register.form`), so the API checks exactly
what the page checks: a driver against article 23, an ID number, a vehicle of the same school.
An update may carry the `version` it read: a row changed since answers 409. The model's
refusals (`core.errors`) are mapped once in `api.views.exception_handler`: a step not possible
now 409, invalid input 400, wrong role 403, another school's row 404. Every row carries its
`allowed_actions`; personal fields follow `registers.visibility` (docs/visibility.md).
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.db.models import QuerySet
from django.forms.models import model_to_dict
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from xiaoan.accounts.access import has_role, membership_of
from xiaoan.core.dates import local_today
from xiaoan.core.templatetags.people import person
from xiaoan.core.validators import validate_phone
from xiaoan.hazards.models import Area
from xiaoan.registers import reminders, visibility
from xiaoan.registers.choices import IdType
from xiaoan.registers.filters import VisitorFilter
from xiaoan.registers.forms import DayForm, DaysForm
from xiaoan.registers.identity import id_error
from xiaoan.registers.models import (
    Driver,
    DutyShift,
    SurroundingsCheck,
    Vehicle,
    Visitor,
    district_cover,
)
from xiaoan.registers.models.education import counts_by_school
from xiaoan.registers.tables import BY_SLUG, REGISTERS, Register
from xiaoan.schools.models import School

from .serializers import AllowedActionsField, SingleObjectSchema, error_responses

HIDDEN = {"id_digest", "id_encrypted", "recorded_by", "photo", "attachment"}
# Patrols, plans, drills and the daily food-safety logs are served at the API's top level:
# /api/v1/patrol-points/, /patrol-routes/, /patrols/, /emergency-plans/, /drills/,
# /morning-checks/, /food-samples/, /accompanying-meals/, /supplier-certificates/.
TOP_LEVEL = (
    "patrol-points",
    "patrol-routes",
    "patrols",
    "emergency-plans",
    "drills",
    "morning-checks",
    "food-samples",
    "accompanying-meals",
    "supplier-certificates",
)
# Registers served under a name of their own: the school's licences and certificates.
PREFIXES = {"school-papers": "certificates"}


class RowSerializer(serializers.ModelSerializer):
    """A register row: its steps for the asking user, its personal fields as they may read them."""

    allowed_actions = AllowedActionsField()

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        return visibility.redact(instance, self.context["request"].user, dict(data))


@extend_schema_field(OpenApiTypes.STR)
class PersonField(serializers.Field):
    """A user as the pages name people (full name, else login); read-only, "—" if unknown."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        return person(value)


# Registers whose rows say who wrote them (`recorded_by`, set from the user who added the row).
AUTHORED = {"duty-log"}


def _serializer_for(register: Register) -> type[serializers.ModelSerializer]:
    """All the row's fields; those the page's form does not write are read-only; `version`
    may be sent back with an update (a row changed since answers 409)."""
    fields = [
        f.name
        for f in [*register.model._meta.concrete_fields, *register.model._meta.many_to_many]
        if f.name not in HIDDEN and f.name != "id_masked"
    ]
    form_fields: list[str] = list(register.form._meta.fields or [])
    writable = {"school", "version", *form_fields}
    extra = ["author"] if register.slug in AUTHORED else []
    checked = ["todays_check_passed"] if register.annotate else []
    meta = type(
        "Meta",
        (),
        {
            "model": register.model,
            "fields": [*fields, *extra, "school_name", *checked, "allowed_actions"],
            "read_only_fields": [f for f in fields if f not in writable],
            "extra_kwargs": {"version": {"required": False}},
        },
    )
    attrs: dict[str, Any] = {"Meta": meta}
    attrs["school_name"] = serializers.CharField(source="school.name", read_only=True)
    if extra:
        attrs["author"] = PersonField(source="recorded_by", help_text="Who wrote it.")
    if register.slug == "school-papers":
        attrs["kind_name"] = serializers.CharField(source="kind.name", read_only=True)
        attrs["validity"] = serializers.CharField(
            source="validity_today",
            read_only=True,
            help_text="expired, due (within 30 days) or empty.",
        )
        meta.fields = [*meta.fields[:-1], "kind_name", "validity", "allowed_actions"]  # type: ignore[attr-defined]
    if register.annotate:
        # Vehicles and routes: today's pre-departure check passed, failed, or none yet (null).
        attrs["todays_check_passed"] = serializers.BooleanField(read_only=True, allow_null=True)
    return type(f"{register.model.__name__}Serializer", (RowSerializer,), attrs)


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
        return self.register.rows(self.request.user)  # type: ignore[no-any-return]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._save(request, None, partial=False)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._save(request, self.get_object(), partial=kwargs.get("partial", False))

    def _save(self, request: Request, instance: Any, *, partial: bool) -> Response:
        if instance is not None:
            instance.check_edit(request.user)
        elif not has_role(request.user, *self.register.writers):
            raise PermissionDenied
        data = _form_data(request.data, self.register.form.base_fields)
        if instance is None:
            # A field left out takes the model's default, as the page's blank form shows it.
            data = {**_defaults(self.register.form), **data}
        else:
            # Without a `version`, the update applies to the row as it is now.
            data.setdefault("version", instance.version)
            if partial:
                fields = list(self.register.form._meta.fields or [])
                data = {**model_to_dict(instance, fields=fields), **data}
        form = self.register.form(data=data, instance=instance, user=request.user)
        if not form.is_valid():
            raise serializers.ValidationError(_form_errors(form))
        row = self.get_queryset().get(pk=form.save().pk)
        code = status.HTTP_200_OK if instance is not None else status.HTTP_201_CREATED
        return Response(self.get_serializer(row).data, status=code)


def _form_data(data: Any, fields: Any) -> dict[str, Any]:
    """The body as the register's form reads it: a form field takes text (or true/false).

    A number is its text; a list or an object where one of the form's values goes is refused at
    its field (the rest of a row read back and sent again, such as `allowed_actions`, is ignored),
    unless the field takes one (`takes_json`: a morning check's workers), which gets its JSON.
    """
    if hasattr(data, "dict"):
        return data.dict()

    def takes_json(name: str) -> bool:
        return bool(getattr(fields.get(name), "takes_json", False))

    wrong = {
        name: [gettext("Give one value here, not a list or an object.")]
        for name, value in data.items()
        if name in fields and isinstance(value, list | dict) and not takes_json(name)
    }
    if wrong:
        raise serializers.ValidationError(wrong)
    return {
        name: json.dumps(value, ensure_ascii=False)
        if isinstance(value, list | dict) and takes_json(name)
        else str(value)
        if isinstance(value, int | float) and not isinstance(value, bool)
        else value
        for name, value in data.items()
    }


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


class FollowUpSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The surroundings check, the drill or the meal.")
    hazard = serializers.IntegerField(help_text="The hazard put on the ledger.")
    hazard_code = serializers.CharField()


class SurroundingsViewSet(RegisterViewSet):
    @extend_schema(
        request=None, responses={201: FollowUpSerializer, **error_responses(403, 404, 409)}
    )
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request: Request, pk: Any = None) -> Response:
        """Put a check that fails any of the four no's on the hazard ledger (area security):
        409 if it meets them or is already followed up."""
        check: SurroundingsCheck = self.get_object()
        hazard = check.follow_up(request.user)
        return Response(
            {"id": check.pk, "hazard": hazard.pk, "hazard_code": hazard.code},
            status=status.HTTP_201_CREATED,
        )


class ReportProblemSerializer(serializers.Serializer):
    problem = serializers.CharField(help_text="One of the row's problems, as written.")
    area = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Area.objects.filter(is_active=True),
        required=False,
        help_text="The hazard's area; default: the drill scenario's, food for a meal.",
    )


class ProblemsViewSet(RegisterViewSet):
    """A register whose rows list problems that go on the hazard ledger (`ProblemsToLedger`):
    drills, accompanying meals."""

    @extend_schema(
        request=ReportProblemSerializer,
        responses={201: FollowUpSerializer, **error_responses(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="report-problem")
    def report_problem(self, request: Request, pk: Any = None) -> Response:
        """Put one of the row's problems on the hazard ledger: 409 when every problem is
        already there, 400 for a problem the row does not list."""
        row: Any = self.get_object()
        row.refuse_if_not_allowed(request.user, "report_problem")
        body = ReportProblemSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        hazard = row.report_problem(request.user, data["problem"], data.get("area"))
        return Response(
            {"id": row.pk, "hazard": hazard.pk, "hazard_code": hazard.code},
            status=status.HTTP_201_CREATED,
        )


# ---- visitors -------------------------------------------------------------------------------


class VisitorSerializer(RowSerializer):
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
            "admission_reason",
            "watch_list",
            "version",
            "allowed_actions",
        ]
        read_only_fields = [
            "school",
            "name",
            "id_type",
            "entered_at",
            "left_at",
            "refused",
            "admission_reason",
        ]
        extra_kwargs = {"version": {"required": False}}

    def get_id_number(self, visitor: Visitor) -> str:
        return visitor.id_for(self.context["request"].user)


class VisitorRegisterSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    id_type = serializers.ChoiceField(choices=IdType.choices, default=IdType.RESIDENT)
    id_number = serializers.CharField(max_length=30)
    purpose = serializers.CharField(max_length=200)
    organisation = serializers.CharField(max_length=100, required=False, default="")
    host = serializers.CharField(max_length=50, required=False, default="")
    phone = serializers.CharField(
        max_length=30, required=False, default="", validators=[validate_phone]
    )
    vehicle_plate = serializers.CharField(max_length=20, required=False, default="")
    refused = serializers.BooleanField(required=False, default=False)
    refusal_reason = serializers.CharField(max_length=200, required=False, default="")
    admission_reason = serializers.CharField(
        max_length=200,
        required=False,
        default="",
        help_text="For a watch-list person: why the gate keeper admits them (else refuse).",
    )

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

    @extend_schema(
        request=VisitorRegisterSerializer,
        responses={201: VisitorSerializer, **error_responses(400, 403, 409)},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Register a visitor. A watch-list person without the keeper's decision answers 409
        and nothing is recorded (the school and the bureau are told at once): send again with
        `admission_reason` to admit them, or `refused` and `refusal_reason`."""
        membership = membership_of(request.user)
        if membership is None or membership.school_id is None:
            raise PermissionDenied
        serializer = VisitorRegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        details = serializer.validated_data
        Visitor.screen(school=membership.school, user=request.user, **details)
        visitor = Visitor.register(school=membership.school, user=request.user, **details)
        body = VisitorSerializer(visitor, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None, responses={200: VisitorSerializer, **error_responses(403, 404, 409)}
    )
    @action(detail=True, methods=["post"], url_path="sign-out")
    def sign_out(self, request: Request, pk: Any = None) -> Response:
        """The visitor leaves: 409 if already out or refused entry."""
        visitor = self.get_object()
        visitor.sign_out(request.user)
        return Response(VisitorSerializer(visitor, context=self.get_serializer_context()).data)


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
    schema = SingleObjectSchema()
    """Each school's stretches of a day with nobody on duty (no roster at all: 24 hours)."""

    @extend_schema(
        parameters=[OpenApiParameter("day", OpenApiTypes.DATE, description="default: today")],
        responses=DutyGapsSerializer,
    )
    def list(self, request: Request) -> Response:
        day = _query_date(request)
        rows = district_cover(
            School.objects.for_user(request.user).as_of(day),
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
        schools = School.objects.for_user(request.user).current()
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
    schema = SingleObjectSchema()
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
    special = {
        "surroundings": SurroundingsViewSet,
        "drills": ProblemsViewSet,
        "accompanying-meals": ProblemsViewSet,
    }
    for register in REGISTERS:
        if register.slug == "visitors":
            continue
        prefix = register.slug if register.slug in TOP_LEVEL else f"registers/{register.slug}"
        prefix = PREFIXES.get(register.slug, prefix)
        router.register(
            prefix,
            _viewset_for(register, special.get(register.slug, RegisterViewSet)),
            basename=f"register-{register.slug}",
        )
