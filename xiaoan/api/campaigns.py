"""Campaign API: campaigns with their plan figures and reminders; work plans and their steps.

Steps call the model methods and let `core.errors` through to the one exception handler:
missing input 400, wrong state or a stale version 409, wrong role 403, out of reach 404. Every
row says which steps the user may take now (`allowed_actions`).
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from xiaoan.campaigns.choices import WorkPlanStatus
from xiaoan.campaigns.models import Campaign, WorkPlan, WorkPlanSection
from xiaoan.campaigns.views import attachment_response
from xiaoan.hazards.models import Area
from xiaoan.schools.models import School

from .serializers import AllowedActionsField, error_responses

# What a step may answer besides its record: the errors of `core.errors`.
STEP_ERRORS = error_responses(400, 403, 404, 409)


class CampaignSerializer(serializers.ModelSerializer):
    allowed_actions = AllowedActionsField()
    focus_areas: Any = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    plans_filed = serializers.IntegerField(read_only=True)
    notice_file_url = serializers.SerializerMethodField()
    plan_file_url = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "parent",
            "name",
            "start_date",
            "end_date",
            "status",
            "focus_areas",
            "description",
            "notice_title",
            "notice_file_name",
            "notice_file_url",
            "plan_file_name",
            "plan_file_url",
            "plans_filed",
            "version",
            "allowed_actions",
        ]
        read_only_fields = fields

    def _file_url(self, campaign: Campaign, which: str) -> str | None:
        # The API's download, which checks access again; never the storage path.
        present = campaign.notice_file if which == "notice" else campaign.plan_file
        return reverse(f"api:campaign-{which}-file", args=[campaign.pk]) if present else None

    def get_notice_file_url(self, campaign: Campaign) -> str | None:
        return self._file_url(campaign, "notice")

    def get_plan_file_url(self, campaign: Campaign) -> str | None:
        return self._file_url(campaign, "plan")


class SectionSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.code")

    class Meta:
        model = WorkPlanSection
        fields = ["area", "text"]


class WorkPlanSerializer(serializers.ModelSerializer):
    allowed_actions = AllowedActionsField()
    school_code = serializers.CharField(source="school.code", read_only=True)
    sections = SectionSerializer(many=True, read_only=True)
    has_document = serializers.SerializerMethodField()
    document_url = serializers.SerializerMethodField()

    class Meta:
        model = WorkPlan
        fields = [
            "id",
            "campaign",
            "school",
            "school_code",
            "status",
            "summary",
            "sections",
            "has_document",
            "document_name",
            "document_url",
            "submitted_at",
            "reviewed_at",
            "review_comment",
            "version",
            "allowed_actions",
        ]
        read_only_fields = fields

    def get_has_document(self, plan: WorkPlan) -> bool:
        return bool(plan.document)

    def get_document_url(self, plan: WorkPlan) -> str | None:
        return reverse("api:work-plan-document", args=[plan.pk]) if plan.document else None


class SectionsField(serializers.DictField):
    """{area code: text}; in a multipart upload, the same object as a JSON string."""

    def get_value(self, dictionary: Any) -> Any:
        # DRF reads form data as `sections[code]` keys; a JSON string is sent whole.
        if hasattr(dictionary, "getlist") and self.field_name in dictionary:
            return dictionary.get(self.field_name)
        return super().get_value(dictionary)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, str):
            try:
                data = json.loads(data or "{}")
            except ValueError:
                self.fail("not_a_dict", input_type="str")
        return super().to_internal_value(data)


VERSION_HELP = "The version the client read; a plan saved since then answers 409."


class DraftSerializer(serializers.Serializer):
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    sections = SectionsField(
        child=serializers.CharField(allow_blank=True),
        default=dict,
        help_text="{area code: text}; in a multipart upload, a JSON string.",
    )
    document = serializers.FileField(required=False)
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)


class CampaignStepSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)


class CommentSerializer(CampaignStepSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RemindSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RemindedSerializer(serializers.Serializer):
    reminded = serializers.ListField(
        child=serializers.CharField(), help_text="Codes of the schools reminded."
    )


class SchoolRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


FILE = OpenApiResponse(OpenApiTypes.BINARY, description="The file as uploaded.")
FILE_RESPONSE: dict[Any, Any] = {(200, "application/octet-stream"): FILE, **error_responses(404)}


def _validated(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _read_at(record: Any, args: dict[str, Any]) -> None:
    if args.get("version") is not None:
        record.version = args["version"]


class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CampaignSerializer

    def get_queryset(self) -> QuerySet[Campaign]:
        filed = Q(work_plans__status__in=[WorkPlanStatus.SUBMITTED, WorkPlanStatus.ACCEPTED])
        return (
            Campaign.objects.for_user(self.request.user)
            .annotate(plans_filed=Count("work_plans", filter=filed))
            .order_by("-start_date", "-id")
            .select_related("bureau__region")  # whether it comes from above: no query a row
            .prefetch_related("focus_areas")
        )

    def _respond(self, campaign: Campaign) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=campaign.pk)).data)

    @extend_schema(
        request=None, responses={200: SchoolRefSerializer(many=True), **error_responses(404)}
    )
    @action(detail=True, methods=["get"])
    def missing(self, request: Request, pk: int) -> Response:
        """Schools (that the user may see) still owing their work plan."""
        campaign = self.get_object()
        schools = campaign.schools_without_plan() & School.objects.for_user(request.user)
        return Response([{"id": s.pk, "code": s.code, "name": s.name} for s in schools])

    @extend_schema(request=RemindSerializer, responses={200: RemindedSerializer, **STEP_ERRORS})
    @action(detail=True, methods=["post"])
    def remind(self, request: Request, pk: int) -> Response:
        """Remind every school still owing its work plan (bureau admin)."""
        campaign, args = self.get_object(), _validated(RemindSerializer, request)
        events = campaign.remind_missing(request.user, comment=args["comment"])
        return Response({"reminded": [e.school.code for e in events if e.school is not None]})

    @extend_schema(request=None, responses=FILE_RESPONSE)
    @action(detail=True, methods=["get"], url_path="notice-file")
    def notice_file(self, request: Request, pk: int) -> FileResponse:
        """The notice the campaign follows, as uploaded."""
        campaign = self.get_object()
        return attachment_response(campaign.notice_file, campaign.notice_file_name)

    @extend_schema(request=None, responses=FILE_RESPONSE)
    @action(detail=True, methods=["get"], url_path="plan-file")
    def plan_file(self, request: Request, pk: int) -> FileResponse:
        """The bureau's work plan, as uploaded."""
        campaign = self.get_object()
        return attachment_response(campaign.plan_file, campaign.plan_file_name)

    @extend_schema(
        request=CampaignStepSerializer, responses={200: CampaignSerializer, **STEP_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: int) -> Response:
        """Planned → running (bureau admin)."""
        campaign, args = self.get_object(), _validated(CampaignStepSerializer, request)
        _read_at(campaign, args)
        campaign.start(request.user)
        return self._respond(campaign)

    @extend_schema(request=None, responses={201: CampaignSerializer, **STEP_ERRORS})
    @action(detail=True, methods=["post"])
    def adopt(self, request: Request, pk: int) -> Response:
        """A city's or a province's campaign adopted by the district: the district's own
        campaign, planned, following it (`parent`) (the district's bureau admin)."""
        adopted = self.get_object().adopt(request.user)
        data = self.get_serializer(self.get_queryset().get(pk=adopted.pk)).data
        return Response(data, status=201)

    @extend_schema(
        request=CampaignStepSerializer, responses={200: CampaignSerializer, **STEP_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: int) -> Response:
        """Running → closed (bureau admin)."""
        campaign, args = self.get_object(), _validated(CampaignStepSerializer, request)
        _read_at(campaign, args)
        campaign.close(request.user)
        return self._respond(campaign)


class WorkPlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = WorkPlanSerializer
    filterset_fields = ["campaign", "school", "status"]

    def get_queryset(self) -> QuerySet[WorkPlan]:
        return (
            WorkPlan.objects.for_user(self.request.user)
            .select_related("school")
            .prefetch_related("sections__area")
        )

    def _respond(self, plan: WorkPlan) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=plan.pk)).data)

    @extend_schema(request=DraftSerializer, responses={200: WorkPlanSerializer, **STEP_ERRORS})
    @action(detail=True, methods=["post"])
    def draft(self, request: Request, pk: int) -> Response:
        """Save the plan: `summary`, `sections` as {area code: text}, optional `document`
        (multipart; `sections` then as a JSON string) (the school's admin)."""
        plan, args = self.get_object(), _validated(DraftSerializer, request)
        areas = {a.code: a for a in Area.objects.all()}
        unknown = set(args["sections"]) - set(areas)
        if unknown:
            raise serializers.ValidationError({"sections": sorted(unknown)})
        _read_at(plan, args)
        plan.save_draft(
            request.user,
            summary=args["summary"],
            sections={areas[c]: t for c, t in args["sections"].items()},
            document=args.get("document"),
        )
        return self._respond(plan)

    @extend_schema(request=None, responses=FILE_RESPONSE)
    @action(detail=True, methods=["get"])
    def document(self, request: Request, pk: int) -> FileResponse:
        """The school's own work plan document, as uploaded."""
        plan = self.get_object()
        return attachment_response(plan.document, plan.document_name)

    @extend_schema(
        request=CampaignStepSerializer, responses={200: WorkPlanSerializer, **STEP_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: int) -> Response:
        """Send the plan to the bureau (the school's admin)."""
        plan, args = self.get_object(), _validated(CampaignStepSerializer, request)
        _read_at(plan, args)
        plan.submit(request.user)
        return self._respond(plan)

    @extend_schema(request=CommentSerializer, responses={200: WorkPlanSerializer, **STEP_ERRORS})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: int) -> Response:
        """Accept the submitted plan (bureau admin)."""
        plan, args = self.get_object(), _validated(CommentSerializer, request)
        _read_at(plan, args)
        plan.accept(request.user, args["comment"])
        return self._respond(plan)

    @extend_schema(request=CommentSerializer, responses={200: WorkPlanSerializer, **STEP_ERRORS})
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_school(self, request: Request, pk: int) -> Response:
        """Send the plan back with what to change (bureau admin)."""
        plan, args = self.get_object(), _validated(CommentSerializer, request)
        _read_at(plan, args)
        plan.return_to_school(request.user, args["comment"])
        return self._respond(plan)


def register_routes(router: Any) -> None:
    router.register("campaigns", CampaignViewSet, basename="campaign")
    router.register("work-plans", WorkPlanViewSet, basename="work-plan")
