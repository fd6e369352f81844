"""Reports API: monthly reports and their steps, official documents and their files, and the
/stats/ endpoints the dashboards draw (the same data as the page).

Steps call the model methods: wrong state 409, wrong role 403, another school's report 404.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xiaoan.accounts.access import has_role, member
from xiaoan.accounts.choices import Role
from xiaoan.reports import official, stats
from xiaoan.reports.choices import OfficialKind
from xiaoan.reports.exports import CONTENT_TYPES, render
from xiaoan.reports.filters import MonthlyReportFilter
from xiaoan.reports.forms import GenerateForm
from xiaoan.reports.models import MonthlyReport, OfficialReport, ReportError


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class MonthlyReportSerializer(serializers.ModelSerializer):
    school_name = serializers.CharField(source="school.name", read_only=True)

    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "school",
            "school_name",
            "year",
            "month",
            "status",
            "is_nil",
            "narrative",
            "figures",
            "compiled_at",
            "due_date",
            "submitted_at",
            "first_submitted_at",
            "submitted_by",
            "reviewed_at",
            "reviewed_by",
            "review_comment",
        ]
        read_only_fields = fields


class MonthSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)
    narrative = serializers.CharField(required=False, allow_blank=True)


class StepSerializer(serializers.Serializer):
    narrative = serializers.CharField(required=False, allow_blank=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


def _step(report: Any, run: Any) -> None:
    try:
        run()
    except ReportError as error:
        raise Conflict(error.message) from error


class MonthlyReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Monthly reports (月报) the user may see; POST {year, month} compiles the school's month."""

    serializer_class = MonthlyReportSerializer
    filterset_class = MonthlyReportFilter

    def get_queryset(self) -> Any:
        return MonthlyReport.objects.for_user(self.request.user).select_related("school")

    def create(self, request: Request) -> Response:
        if not has_role(request.user, Role.SCHOOL_ADMIN) or request.user.is_superuser:
            raise PermissionDenied
        data = MonthSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        school = member(request.user).school
        try:
            report = MonthlyReport.for_month(
                school, data.validated_data["year"], data.validated_data["month"]
            )
        except ReportError as error:
            raise Conflict(error.message) from error
        _step(report, lambda: report.compile(request.user, data.validated_data.get("narrative")))
        return Response(MonthlyReportSerializer(report).data, status=status.HTTP_201_CREATED)

    def _act(self, request: Request, method: str) -> Response:
        report = self.get_object()
        data = StepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        args = data.validated_data
        steps = {
            "compile": lambda: report.compile(request.user, args.get("narrative")),
            "submit": lambda: report.submit(request.user, args.get("narrative")),
            "return": lambda: report.return_for_changes(request.user, args["comment"]),
            "accept": lambda: report.accept(request.user, args["comment"]),
        }
        _step(report, steps[method])
        return Response(MonthlyReportSerializer(report).data)

    @action(detail=True, methods=["post"], serializer_class=StepSerializer, url_path="compile")
    def compile_figures(self, request: Request, pk: str) -> Response:
        return self._act(request, "compile")

    @action(detail=True, methods=["post"], serializer_class=StepSerializer)
    def submit(self, request: Request, pk: str) -> Response:
        return self._act(request, "submit")

    @action(detail=True, methods=["post"], serializer_class=StepSerializer, url_path="return")
    def return_for_changes(self, request: Request, pk: str) -> Response:
        return self._act(request, "return")

    @action(detail=True, methods=["post"], serializer_class=StepSerializer)
    def accept(self, request: Request, pk: str) -> Response:
        return self._act(request, "accept")


class OfficialReportSerializer(serializers.ModelSerializer):
    # Plain strings: several apps have a "kind" choice set, and one enum name would collide.
    kind = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    downloads = serializers.SerializerMethodField()

    class Meta:
        model = OfficialReport
        fields = [
            "id",
            "kind",
            "year",
            "quarter",
            "campaign",
            "title",
            "status",
            "narrative",
            "figures",
            "generated_at",
            "issued_at",
            "downloads",
        ]
        read_only_fields = fields

    def get_downloads(self, obj: OfficialReport) -> dict[str, str]:
        return {fmt: f"/api/v1/official-reports/{obj.pk}/download/{fmt}/" for fmt in CONTENT_TYPES}


class GenerateSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=" | ".join(OfficialKind.values))
    year = serializers.IntegerField(required=False)
    quarter = serializers.IntegerField(required=False)
    campaign = serializers.IntegerField(required=False)


class OfficialReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Quarterly reports and campaign summaries; gov sees issued ones only."""

    serializer_class = OfficialReportSerializer

    def get_queryset(self) -> Any:
        return OfficialReport.objects.for_user(self.request.user)

    @action(detail=False, methods=["post"], serializer_class=GenerateSerializer)
    def generate(self, request: Request) -> Response:
        if not has_role(request.user, Role.BUREAU_ADMIN) or request.user.is_superuser:
            raise PermissionDenied
        membership = member(request.user)
        form = GenerateForm(request.data, bureau_id=membership.bureau_id)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors.get_json_data())
        data = form.cleaned_data
        scope = (
            {"year": data["year"], "quarter": data["quarter"]}
            if data["kind"] == OfficialKind.QUARTERLY
            else {"campaign": data["campaign"]}
        )
        report = official.generate(data["kind"], membership.bureau, user=request.user, **scope)
        return Response(OfficialReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"], url_path=r"download/(?P<fmt>docx|pdf|xlsx)")
    def download(self, request: Request, pk: str, fmt: str) -> HttpResponse:
        report = get_object_or_404(self.get_queryset(), pk=pk)
        response = HttpResponse(
            render(official.build_document(report), fmt), content_type=CONTENT_TYPES[fmt]
        )
        response["Content-Disposition"] = (
            f"attachment; filename=\"report.{fmt}\"; filename*=UTF-8''{quote(report.title)}.{fmt}"
        )
        return response


class StatsView(APIView):
    """One part of the dashboard: by-area, funnel, trend, ranking or compliance.

    Filters as on the page: ?campaign=&kind=&start=&end=.
    """

    part = "by_area"

    @extend_schema(
        parameters=[
            OpenApiParameter("campaign", int),
            OpenApiParameter("kind", str),
            OpenApiParameter("start", OpenApiTypes.DATE),
            OpenApiParameter("end", OpenApiTypes.DATE),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        form = stats.StatsFilterForm(request.query_params or None, user=request.user)
        if form.is_bound and not form.is_valid():
            raise serializers.ValidationError(form.errors.get_json_data())
        return Response(stats.dashboard(request.user, form)[self.part])


def register_routes(router: Any) -> None:
    router.register("monthly-reports", MonthlyReportViewSet, basename="monthly-report")
    router.register("official-reports", OfficialReportViewSet, basename="official-report")


def stats_paths() -> list[Any]:
    from django.urls import path

    parts = {
        "by-area": "by_area",
        "funnel": "funnel",
        "trend": "trend",
        "ranking": "ranking",
        "compliance": "compliance",
    }
    return [
        path(f"stats/{url}/", StatsView.as_view(part=part), name=f"stats-{url}")
        for url, part in parts.items()
    ]
