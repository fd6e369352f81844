"""Inspection API: checklists, inspections (start, answer items, raise a hazard, submit),
schedules with their coverage. Same access rules as the pages: `for_user` first.

The model methods refuse; `api.views.exception_handler` maps their errors once: a locked
inspection, a wrong state or a stale version 409, incomplete input 400, wrong role 403.
Inspection and schedule rows carry the caller's `allowed_actions`, as the pages' buttons.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from xiaoan.campaigns.models import Campaign
from xiaoan.core.dates import local_today
from xiaoan.hazards.choices import HazardLevel
from xiaoan.hazards.models import Area, Hazard
from xiaoan.inspections.choices import AnswerResult, FailRequirement, InspectionKind
from xiaoan.inspections.filters import InspectionFilter
from xiaoan.inspections.models import (
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionAnswer,
    InspectionSchedule,
)
from xiaoan.schools.choices import SchoolKind
from xiaoan.schools.models import BureauSection, Department, School

from .risks import risk_point_input
from .serializers import AllowedActionsField, error_responses

STEP_ERRORS = error_responses(400, 403, 404, 409)


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["id", "order", "text", "legal_basis", "on_fail", "default_level"]


class ChecklistSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.code")
    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "area", "name", "version", "is_current", "items"]


class InspectionAnswerSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.code")
    hazard = serializers.SerializerMethodField()
    hazard_raised = serializers.SerializerMethodField()
    has_photo = serializers.SerializerMethodField()

    class Meta:
        model = InspectionAnswer
        fields = [
            "id",
            "version",
            "area",
            "item_text",
            "legal_basis",
            "on_fail",
            "default_level",
            "result",
            "note",
            "has_photo",
            "hazard",
            "hazard_raised",
        ]

    def get_hazard(self, answer: InspectionAnswer) -> str | None:
        """The hazard's code, only if the user may see that hazard (as on the page)."""
        if answer.hazard is None:
            return None
        visible = self.context.get("visible_hazards")
        if visible is not None and answer.hazard_id not in visible:
            return None
        return answer.hazard.code

    def get_hazard_raised(self, answer: InspectionAnswer) -> bool:
        return answer.hazard_id is not None

    def get_has_photo(self, answer: InspectionAnswer) -> bool:
        return bool(answer.photo)


class InspectionSerializer(serializers.ModelSerializer):
    school_code = serializers.CharField(source="school.code", read_only=True)
    areas: Any = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    departments: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    sections: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    inspectors = serializers.CharField(source="inspector_list", read_only=True)
    allowed_actions = AllowedActionsField(
        help_text="The steps the caller may take now (`Inspection.allowed_actions`)."
    )

    class Meta:
        model = Inspection
        fields = [
            "id",
            "school",
            "school_code",
            "campaign",
            "schedule",
            "kind",
            "date",
            "status",
            "areas",
            "departments",
            "sections",
            "inspectors",
            "inspector_names",
            "notes",
            "signed_by",
            "signed_at",
            "version",
            "allowed_actions",
        ]


def visible_hazards(request: Any, answers: Any) -> set[int]:
    """Of the hazards raised from these answers, those the user may see."""
    ids = [a.hazard_id for a in answers if a.hazard_id]
    if not ids:
        return set()
    return set(
        Hazard.objects.for_user(request.user).filter(pk__in=ids).values_list("pk", flat=True)
    )


class InspectionDetailSerializer(InspectionSerializer):
    answers = InspectionAnswerSerializer(many=True, read_only=True)

    def to_representation(self, instance: Inspection) -> Any:
        request = self.context.get("request")
        if request is not None:
            # The nested answers share this context: one query for all their hazards.
            context: Any = self.context
            context["visible_hazards"] = visible_hazards(request, instance.answers.all())
        return super().to_representation(instance)

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "answers"]


class InspectionStartInputSerializer(serializers.Serializer):
    """A draft inspection with one answer per item of the areas' current checklists."""

    school = serializers.PrimaryKeyRelatedField(queryset=School.objects.all())
    kind = serializers.ChoiceField(choices=InspectionKind.choices)
    date = serializers.DateField()
    areas = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.filter(is_active=True), many=True
    )
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), required=False, allow_null=True
    )
    departments = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), many=True, required=False
    )
    sections = serializers.PrimaryKeyRelatedField(
        queryset=BureauSection.objects.all(), many=True, required=False
    )
    inspector_names = serializers.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "request" not in self.context:
            return  # described for the schema, not bound to a request
        user = self.context["request"].user
        # Out-of-reach schools and campaigns are "not found", like everywhere else.
        fields: Any = self.fields
        fields["school"].queryset = School.objects.for_user(user)
        fields["campaign"].queryset = Campaign.objects.for_user(user)
        fields["departments"].child_relation.queryset = Department.objects.for_user(user).in_use()
        fields["sections"].child_relation.queryset = BureauSection.objects.for_user(user).in_use()

    def validate_date(self, value: Any) -> Any:
        if value > local_today():
            raise serializers.ValidationError(_("The date cannot be in the future."))
        return value


class InspectionAnswerInputSerializer(serializers.Serializer):
    """One item's result; `version` (optional): the answer as read, refused with 409 if
    someone saved it since."""

    answer = serializers.IntegerField()
    version = serializers.IntegerField(required=False, min_value=1)
    result = serializers.ChoiceField(choices=AnswerResult.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    photo = serializers.FileField(required=False)


class InspectionRaiseHazardInputSerializer(serializers.Serializer):
    """Fail the item and report a hazard linked to it (prefilled from the item)."""

    answer = serializers.IntegerField()
    description = serializers.CharField(required=False, allow_blank=True, default="")
    level = serializers.ChoiceField(choices=HazardLevel.choices, required=False, default="")
    location = serializers.CharField(required=False, allow_blank=True, default="")
    risk_point = risk_point_input()


class InspectionSubmitInputSerializer(serializers.Serializer):
    """Sign and lock the inspection (every item answered as its rule requires)."""

    signed_by = serializers.CharField()
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)


class ChecklistItemInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=300)
    legal_basis = serializers.CharField(max_length=300, required=False, allow_blank=True)
    on_fail = serializers.ChoiceField(choices=FailRequirement.choices, default="note")
    default_level = serializers.ChoiceField(choices=HazardLevel.choices, default="general")


class ChecklistReviseInputSerializer(serializers.Serializer):
    """The next version's items; recorded inspections keep the items they were made with."""

    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    items = ChecklistItemInputSerializer(many=True)


class ChecklistViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ChecklistSerializer
    filterset_fields = ["is_current"]

    def get_queryset(self) -> QuerySet[ChecklistTemplate]:
        return ChecklistTemplate.objects.select_related("area").prefetch_related("items")

    @extend_schema(
        request=ChecklistReviseInputSerializer, responses={201: ChecklistSerializer, **STEP_ERRORS}
    )
    @action(detail=True, methods=["post"], serializer_class=ChecklistReviseInputSerializer)
    def revise(self, request: Request, pk: int) -> Response:
        """Publish the next version of the current checklist (bureau_admin); recorded
        inspections keep the items they were made with."""
        template = self.get_object()
        data = ChecklistReviseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        items = [dict(item) for item in data.validated_data["items"]]
        new = template.revise(request.user, items, name=data.validated_data["name"])
        body = ChecklistSerializer(self.get_queryset().get(pk=new.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


class InspectionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    filterset_class = InspectionFilter

    def get_queryset(self) -> QuerySet[Inspection]:
        qs = Inspection.objects.for_user(self.request.user).with_related().order_by("-date", "-id")
        if self.action == "retrieve":
            qs = qs.prefetch_related("answers__area", "answers__hazard", "inspectors")
        else:
            qs = qs.prefetch_related("inspectors")
        return qs

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "create":
            return InspectionStartInputSerializer
        if self.action == "retrieve":
            return InspectionDetailSerializer
        return InspectionSerializer

    @extend_schema(
        request=InspectionStartInputSerializer,
        responses={201: InspectionDetailSerializer, **STEP_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = InspectionStartInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        inspection = Inspection.objects.start(request.user, **data.validated_data)
        return Response(self._detail(inspection), status=status.HTTP_201_CREATED)

    def _detail(self, inspection: Inspection) -> Any:
        fresh = Inspection.objects.select_related("school").prefetch_related(
            "answers__area", "answers__hazard"
        )
        return InspectionDetailSerializer(
            fresh.get(pk=inspection.pk), context=self.get_serializer_context()
        ).data

    def _answer_data(self, answer: InspectionAnswer) -> Any:
        context = {"visible_hazards": visible_hazards(self.request, [answer])}
        return InspectionAnswerSerializer(answer, context=context).data

    def _answer(self, inspection: Inspection, answer_id: int) -> InspectionAnswer:
        return get_object_or_404(inspection.answers.select_related("area"), pk=answer_id)

    @extend_schema(
        request=InspectionAnswerInputSerializer,
        responses={200: InspectionAnswerSerializer, **STEP_ERRORS},
    )
    @action(detail=True, methods=["post"], serializer_class=InspectionAnswerInputSerializer)
    def answer(self, request: Request, pk: int) -> Response:
        """Answer one item: `answer` (id), `result` (pass/fail/na), `note`, optional `photo`."""
        inspection = self.get_object()
        data = InspectionAnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        answer = self._answer(inspection, values.pop("answer"))
        inspection.answer(request.user, answer, **values)
        return Response(self._answer_data(answer))

    @extend_schema(
        request=InspectionRaiseHazardInputSerializer,
        responses={201: InspectionAnswerSerializer, **STEP_ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="raise-hazard",
        serializer_class=InspectionRaiseHazardInputSerializer,
    )
    def raise_hazard(self, request: Request, pk: int) -> Response:
        inspection = self.get_object()
        data = InspectionRaiseHazardInputSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        answer = self._answer(inspection, values.pop("answer"))
        inspection.raise_hazard(request.user, answer, **values)
        return Response(self._answer_data(answer), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=InspectionSubmitInputSerializer,
        responses={200: InspectionDetailSerializer, **STEP_ERRORS},
    )
    @action(detail=True, methods=["post"], serializer_class=InspectionSubmitInputSerializer)
    def submit(self, request: Request, pk: int) -> Response:
        inspection = self.get_object()
        data = InspectionSubmitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        inspection.submit(request.user, **data.validated_data)
        return Response(self._detail(inspection))


class ScheduleSerializer(serializers.ModelSerializer):
    figures = serializers.SerializerMethodField()
    schools: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    departments: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    allowed_actions = AllowedActionsField(
        help_text="The steps the caller may take now (`InspectionSchedule.allowed_actions`)."
    )

    class Meta:
        model = InspectionSchedule
        fields = [
            "id",
            "title",
            "kind",
            "campaign",
            "start_date",
            "due_date",
            "school_kinds",
            "schools",
            "departments",
            "notes",
            "status",
            "cancel_reason",
            "figures",
            "version",
            "allowed_actions",
        ]

    def get_figures(self, schedule: InspectionSchedule) -> dict[str, int]:
        return schedule.figures()


class ScheduleInputSerializer(serializers.Serializer):
    """The plan's fields; on a partial update only those sent change. `version` (optional):
    the plan as read, refused with 409 if someone saved it since."""

    version = serializers.IntegerField(required=False, min_value=1)
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=InspectionKind.choices)
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), required=False, allow_null=True
    )
    start_date = serializers.DateField()
    due_date = serializers.DateField()
    school_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=SchoolKind.choices), required=False
    )
    schools = serializers.PrimaryKeyRelatedField(
        queryset=School.objects.all(), many=True, required=False
    )
    departments = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), many=True, required=False
    )
    notes = serializers.CharField(required=False, allow_blank=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "request" not in self.context:
            return  # described for the schema, not bound to a request
        user = self.context["request"].user
        fields: Any = self.fields
        fields["campaign"].queryset = Campaign.objects.for_user(user)
        fields["schools"].child_relation.queryset = School.objects.for_user(user)
        fields["departments"].child_relation.queryset = Department.objects.for_user(user)


class ScheduleStepInputSerializer(serializers.Serializer):
    """`version` (optional): the schedule as read, refused with 409 if someone saved since."""

    version = serializers.IntegerField(required=False, min_value=1)


class ScheduleCancelInputSerializer(ScheduleStepInputSerializer):
    """Call the round off; the reason is required."""

    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ScheduleReinstateInputSerializer(ScheduleStepInputSerializer):
    """Put a cancelled round back on the plan."""


class CoverageRowSerializer(serializers.Serializer):
    """One target school of a round: inspected (when, by whom) or still due."""

    school = serializers.CharField(help_text="the school's code")
    name = serializers.CharField()
    inspected = serializers.BooleanField()
    inspection = serializers.IntegerField(allow_null=True)
    date = serializers.DateField(allow_null=True)
    inspectors = serializers.CharField()
    departments = serializers.ListField(child=serializers.CharField())
    signed_by = serializers.CharField()


class ScheduleViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Rounds of inspections: district roles read them, the bureau safety section plans,
    re-plans (PATCH), cancels and reinstates them."""

    serializer_class = ScheduleSerializer

    def get_queryset(self) -> QuerySet[InspectionSchedule]:
        qs = InspectionSchedule.objects.for_user(self.request.user)
        return qs.prefetch_related("schools", "departments").order_by("-due_date", "-id")

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action in ("create", "update", "partial_update"):
            return ScheduleInputSerializer
        return ScheduleSerializer

    def _input(self, request: Request, partial: bool) -> dict[str, Any]:
        data = ScheduleInputSerializer(
            data=request.data, partial=partial, context={"request": request}
        )
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    def _respond(self, schedule: InspectionSchedule, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=schedule.pk)
        return Response(ScheduleSerializer(fresh, context=self.get_serializer_context()).data, code)

    def _step(self, request: Request, serializer_class: type, run: Any) -> Response:
        schedule = self.get_object()
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data.get("version") is not None:
            schedule.version = data.validated_data["version"]  # the client's copy
        run(schedule, data.validated_data)
        return self._respond(schedule)

    @extend_schema(
        request=ScheduleInputSerializer, responses={201: ScheduleSerializer, **STEP_ERRORS}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        values = self._input(request, partial=False)
        values.pop("version", None)
        schedule = InspectionSchedule.objects.plan(request.user, **values)
        return self._respond(schedule, status.HTTP_201_CREATED)

    @extend_schema(
        request=ScheduleInputSerializer, responses={200: ScheduleSerializer, **STEP_ERRORS}
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        schedule = self.get_object()
        values = self._input(request, partial=kwargs.get("partial", False))
        schedule.replan(request.user, **values)
        return self._respond(schedule)

    @extend_schema(
        request=ScheduleInputSerializer, responses={200: ScheduleSerializer, **STEP_ERRORS}
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(
        request=ScheduleCancelInputSerializer, responses={200: ScheduleSerializer, **STEP_ERRORS}
    )
    @action(detail=True, methods=["post"], serializer_class=ScheduleCancelInputSerializer)
    def cancel(self, request: Request, pk: int) -> Response:
        # Without a reason the model answers, in the user's language.
        return self._step(
            request, ScheduleCancelInputSerializer, lambda s, d: s.cancel(request.user, d["reason"])
        )

    @extend_schema(
        request=ScheduleReinstateInputSerializer, responses={200: ScheduleSerializer, **STEP_ERRORS}
    )
    @action(detail=True, methods=["post"], serializer_class=ScheduleReinstateInputSerializer)
    def reinstate(self, request: Request, pk: int) -> Response:
        return self._step(
            request, ScheduleReinstateInputSerializer, lambda s, d: s.reinstate(request.user)
        )

    @extend_schema(
        request=None, responses={200: CoverageRowSerializer(many=True), **error_responses(404)}
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def coverage(self, request: Request, pk: int) -> Response:
        """Every target school: inspected (when, by whom, with which departments) or still due."""
        schedule = self.get_object()
        return Response([_coverage_row(row) for row in schedule.coverage()])


def _coverage_row(row: Any) -> dict[str, Any]:
    inspection = row.inspection
    return {
        "school": row.school.code,
        "name": row.school.name,
        "inspected": inspection is not None,
        "inspection": inspection.pk if inspection else None,
        "date": inspection.date if inspection else None,
        "inspectors": inspection.inspector_list() if inspection else "",
        "departments": [d.name for d in inspection.departments.all()] if inspection else [],
        "signed_by": inspection.signed_by if inspection else "",
    }


def register_routes(router: Any) -> None:
    router.register("checklists", ChecklistViewSet, basename="checklist")
    router.register("inspections", InspectionViewSet, basename="inspection")
    router.register("inspection-schedules", ScheduleViewSet, basename="inspection-schedule")
