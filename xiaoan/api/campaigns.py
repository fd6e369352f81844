"""Campaign API: campaigns with their plan figures and reminders; work plans and their steps.

Steps call the model methods; wrong state answers 409, wrong role 403, out of reach 404.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse
from django.urls import reverse
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from xiaoan.campaigns.choices import WorkPlanStatus
from xiaoan.campaigns.models import Campaign, CampaignError, WorkPlan, WorkPlanSection
from xiaoan.campaigns.views import attachment_response
from xiaoan.hazards.models import Area
from xiaoan.schools.models import School


class CampaignConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class CampaignSerializer(serializers.ModelSerializer):
    focus_areas: Any = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    plans_filed = serializers.IntegerField(read_only=True)
    notice_file_url = serializers.SerializerMethodField()
    plan_file_url = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
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
        ]

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
        ]

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


class DraftSerializer(serializers.Serializer):
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    sections = SectionsField(child=serializers.CharField(allow_blank=True), default=dict)
    document = serializers.FileField(required=False)


class NoInputSerializer(serializers.Serializer):
    """The step takes no input."""


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


def _comment(request: Request) -> str:
    data: Any = request.data
    return str(data.get("comment", "")) if hasattr(data, "get") else ""


def _run(step: Any) -> None:
    try:
        step()
    except CampaignError as exc:
        raise CampaignConflict(exc.message) from exc
    except DjangoValidationError as exc:
        raise serializers.ValidationError({"detail": exc.messages}) from exc


class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CampaignSerializer

    def get_queryset(self) -> QuerySet[Campaign]:
        filed = Q(work_plans__status__in=[WorkPlanStatus.SUBMITTED, WorkPlanStatus.ACCEPTED])
        return (
            Campaign.objects.for_user(self.request.user)
            .annotate(plans_filed=Count("work_plans", filter=filed))
            .order_by("-start_date", "-id")
            .prefetch_related("focus_areas")
        )

    @action(detail=True, methods=["get"])
    def missing(self, request: Request, pk: int) -> Response:
        """Schools (that the user may see) still owing their work plan."""
        campaign = self.get_object()
        schools = campaign.schools_without_plan() & School.objects.for_user(request.user)
        return Response([{"id": s.pk, "code": s.code, "name": s.name} for s in schools])

    @action(detail=True, methods=["post"], serializer_class=CommentSerializer)
    def remind(self, request: Request, pk: int) -> Response:
        campaign = self.get_object()
        data = CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        events: list[Any] = []
        _run(lambda: events.extend(campaign.remind_missing(request.user, **data.validated_data)))
        return Response({"reminded": [e.school.code for e in events]})

    def _respond(self, campaign: Campaign) -> Response:
        return Response(CampaignSerializer(self.get_queryset().get(pk=campaign.pk)).data)

    @action(detail=True, methods=["get"], url_path="notice-file")
    def notice_file(self, request: Request, pk: int) -> FileResponse:
        """The notice the campaign follows, as uploaded."""
        campaign = self.get_object()
        return attachment_response(campaign.notice_file, campaign.notice_file_name)

    @action(detail=True, methods=["get"], url_path="plan-file")
    def plan_file(self, request: Request, pk: int) -> FileResponse:
        """The bureau's work plan, as uploaded."""
        campaign = self.get_object()
        return attachment_response(campaign.plan_file, campaign.plan_file_name)

    @action(detail=True, methods=["post"], serializer_class=NoInputSerializer)
    def start(self, request: Request, pk: int) -> Response:
        """Planned → running (bureau_admin)."""
        campaign = self.get_object()
        _run(lambda: campaign.start(request.user))
        return self._respond(campaign)

    @action(detail=True, methods=["post"], serializer_class=NoInputSerializer)
    def close(self, request: Request, pk: int) -> Response:
        """Running → closed (bureau_admin)."""
        campaign = self.get_object()
        _run(lambda: campaign.close(request.user))
        return self._respond(campaign)


class WorkPlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = WorkPlanSerializer
    filterset_fields = ["campaign", "school", "status"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[WorkPlan]:
        return (
            WorkPlan.objects.for_user(self.request.user)
            .select_related("school")
            .prefetch_related("sections__area")
        )

    def _respond(self, plan: WorkPlan) -> Response:
        return Response(WorkPlanSerializer(self.get_queryset().get(pk=plan.pk)).data)

    @action(detail=True, methods=["post"], serializer_class=DraftSerializer)
    def draft(self, request: Request, pk: int) -> Response:
        """Save the plan: `summary`, `sections` as {area code: text}, optional `document`
        (multipart; `sections` then as a JSON string)."""
        plan = self.get_object()
        data = DraftSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        areas = {a.code: a for a in Area.objects.all()}
        unknown = set(data.validated_data["sections"]) - set(areas)
        if unknown:
            raise serializers.ValidationError({"sections": sorted(unknown)})
        sections = {areas[c]: t for c, t in data.validated_data["sections"].items()}
        _run(
            lambda: plan.save_draft(
                request.user,
                summary=data.validated_data["summary"],
                sections=sections,
                document=data.validated_data.get("document"),
            )
        )
        return self._respond(plan)

    @action(detail=True, methods=["get"])
    def document(self, request: Request, pk: int) -> FileResponse:
        """The school's own work plan document, as uploaded."""
        plan = self.get_object()
        return attachment_response(plan.document, plan.document_name)

    @action(detail=True, methods=["post"], serializer_class=NoInputSerializer)
    def submit(self, request: Request, pk: int) -> Response:
        plan = self.get_object()
        _run(lambda: plan.submit(request.user))
        return self._respond(plan)

    @action(detail=True, methods=["post"], serializer_class=CommentSerializer)
    def accept(self, request: Request, pk: int) -> Response:
        plan = self.get_object()
        _run(lambda: plan.accept(request.user, _comment(request)))
        return self._respond(plan)

    @action(detail=True, methods=["post"], url_path="return", serializer_class=CommentSerializer)
    def return_to_school(self, request: Request, pk: int) -> Response:
        plan = self.get_object()
        _run(lambda: plan.return_to_school(request.user, _comment(request)))
        return self._respond(plan)


def register_routes(router: Any) -> None:
    router.register("campaigns", CampaignViewSet, basename="campaign")
    router.register("work-plans", WorkPlanViewSet, basename="work-plan")
