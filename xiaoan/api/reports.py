"""Reports API: monthly reports and their steps, official documents, their steps and files,
and the /stats/ endpoints the dashboards draw (the same data as the page).

Steps call the model methods and let `core.errors` through to the one exception handler:
missing or impossible input 400, wrong state or a stale version 409, wrong role 403, another
school's report 404. Every row says which steps the user may take now (`allowed_actions`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xiaoan.accounts.access import member, require_role
from xiaoan.accounts.choices import Role
from xiaoan.core.excel import content_disposition
from xiaoan.reports import official, stats
from xiaoan.reports.choices import OfficialKind
from xiaoan.reports.exports import CONTENT_TYPES, render, render_attachment
from xiaoan.reports.filters import MonthlyReportFilter
from xiaoan.reports.forms import GenerateForm
from xiaoan.reports.models import MonthlyReport, OfficialReport

from .pagination import KeysetPagination
from .serializers import AllowedActionsField, StatsRowSerializer, error_responses

# What a step may answer besides its record: the errors of `core.errors`.
STEP_ERRORS = error_responses(400, 403, 404, 409)


class MonthlyReportSerializer(serializers.ModelSerializer):
    allowed_actions = AllowedActionsField()
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
            "version",
            "allowed_actions",
        ]
        read_only_fields = fields


class MonthSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)
    narrative = serializers.CharField(required=False, allow_blank=True)


VERSION_HELP = "The version the client read; a report saved since then answers 409."


class NarrativeStepSerializer(serializers.Serializer):
    narrative = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)


class ReviewStepSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required to return."
    )
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)


def _validated(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _read_at(record: Any, args: dict[str, Any]) -> None:
    if args.get("version") is not None:
        record.version = args["version"]


class MonthlyReportPagination(KeysetPagination):
    """The monthly reports' pages as the list page takes them: by keyset, the page's ids first
    from the month index (`reports.views.monthly_page`); `?page=` numbers them as before."""

    ids_first = True


class MonthlyReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Monthly reports (月报) the user may see; POST {year, month} compiles the school's month."""

    serializer_class = MonthlyReportSerializer
    filterset_class = MonthlyReportFilter
    pagination_class = MonthlyReportPagination

    def get_queryset(self) -> Any:
        return MonthlyReport.objects.for_user(self.request.user).select_related("school")

    def _respond(self, report: MonthlyReport, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(report).data, status=code)

    @extend_schema(
        request=MonthSerializer,
        responses={201: MonthlyReportSerializer, **error_responses(400, 403)},
    )
    def create(self, request: Request) -> Response:
        MonthlyReport.check_start(request.user)
        args = _validated(MonthSerializer, request)
        report = MonthlyReport.start(
            request.user, args["year"], args["month"], args.get("narrative")
        )
        return self._respond(report, status.HTTP_201_CREATED)

    @extend_schema(
        request=NarrativeStepSerializer, responses={200: MonthlyReportSerializer, **STEP_ERRORS}
    )
    @action(detail=True, methods=["post"], url_path="compile")
    def compile_figures(self, request: Request, pk: str) -> Response:
        """Recount the figures from the ledger and save the narrative (school admin)."""
        report, args = self.get_object(), _validated(NarrativeStepSerializer, request)
        _read_at(report, args)
        report.compile(request.user, args.get("narrative"))
        return self._respond(report)

    @extend_schema(
        request=NarrativeStepSerializer, responses={200: MonthlyReportSerializer, **STEP_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """Recount, freeze and send to the bureau (school admin)."""
        report, args = self.get_object(), _validated(NarrativeStepSerializer, request)
        _read_at(report, args)
        report.submit(request.user, args.get("narrative"))
        return self._respond(report)

    @extend_schema(
        request=ReviewStepSerializer, responses={200: MonthlyReportSerializer, **STEP_ERRORS}
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_for_changes(self, request: Request, pk: str) -> Response:
        """Send back to the school with what to change (bureau admin)."""
        report, args = self.get_object(), _validated(ReviewStepSerializer, request)
        _read_at(report, args)
        report.return_for_changes(request.user, args["comment"])
        return self._respond(report)

    @extend_schema(
        request=ReviewStepSerializer, responses={200: MonthlyReportSerializer, **STEP_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        """Accept the submitted report (bureau admin)."""
        report, args = self.get_object(), _validated(ReviewStepSerializer, request)
        _read_at(report, args)
        report.accept(request.user, args["comment"])
        return self._respond(report)


class TextBlockSerializer(serializers.Serializer):
    """One block of a document's text, as the page's editor shows it."""

    kind = serializers.ChoiceField(
        choices=list(official.BLOCK_KINDS),
        help_text=(
            "h1: a section heading (一、…), h2: a sub-heading (（一）…), p: a paragraph, "
            "tables: where the figure tables stand (text ignored). Headings are numbered "
            "by the document; a number typed before a heading is dropped."
        ),
    )
    text = serializers.CharField(allow_blank=True, required=False, default="")


class ChangedFigureSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The figure as the text says it.")
    computed = serializers.CharField(help_text="The computed value; empty for a figure typed in.")


class OfficialReportSerializer(serializers.ModelSerializer):
    allowed_actions = AllowedActionsField()
    # Plain strings: several apps have a "kind" choice set, and one enum name would collide.
    kind = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    downloads = serializers.SerializerMethodField()
    blocks = serializers.SerializerMethodField(
        help_text="The text as the editor shows it: headings and paragraphs in order."
    )
    changed_figures = serializers.SerializerMethodField(
        help_text="Figures of a draft's text changed by hand: the typed and the computed value."
    )

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
            "blocks",
            "changed_figures",
            "figures",
            "generated_at",
            "issued_at",
            "downloads",
            "version",
            "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(TextBlockSerializer(many=True))
    def get_blocks(self, obj: OfficialReport) -> list[dict[str, str]]:
        return official.text_blocks(obj.narrative)

    @extend_schema_field(ChangedFigureSerializer(many=True))
    def get_changed_figures(self, obj: OfficialReport) -> list[dict[str, str]]:
        if obj.is_issued:
            return []
        return [
            {"text": s.text, "computed": s.computed} for s in official.hand_changed_figures(obj)
        ]

    def get_downloads(self, obj: OfficialReport) -> dict[str, str]:
        """The document in each format and, for a long table summarised in it, the full list
        (keyed by the list's file name)."""
        files = {fmt: f"/api/v1/official-reports/{obj.pk}/download/{fmt}/" for fmt in CONTENT_TYPES}
        for number, attachment in enumerate(official.attachments(obj), start=1):
            files[attachment.filename] = f"/api/v1/official-reports/{obj.pk}/lists/{number}/"
        return files


class GenerateSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=" | ".join(OfficialKind.values))
    year = serializers.IntegerField(required=False)
    quarter = serializers.IntegerField(required=False)
    campaign = serializers.IntegerField(required=False)


class DocumentTextSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    blocks = TextBlockSerializer(
        many=True,
        help_text=(
            "The text as headings and paragraphs, in order, as the document's `blocks` "
            "read; an empty block is dropped; a paragraph with an empty line in it becomes two."
        ),
    )
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)


class IssueSerializer(serializers.Serializer):
    confirm_changed_figures = serializers.BooleanField(
        required=False,
        default=False,
        help_text=(
            "Required (true) when a figure of the text differs from the computed one: "
            "without it the step answers 400 listing the changed figures."
        ),
    )
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)


FILE = OpenApiResponse(OpenApiTypes.BINARY, description="The document file.")


class OfficialReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Quarterly reports and campaign summaries; gov sees issued ones only."""

    serializer_class = OfficialReportSerializer

    def get_queryset(self) -> Any:
        return OfficialReport.objects.for_user(self.request.user)

    @extend_schema(
        request=GenerateSerializer,
        responses={201: OfficialReportSerializer, **error_responses(400, 403)},
    )
    @action(detail=False, methods=["post"])
    def generate(self, request: Request) -> Response:
        """Compute the figures now and draft the text: a new draft (bureau admin)."""
        require_role(request.user, Role.BUREAU_ADMIN)
        membership = member(request.user)
        form = GenerateForm(request.data, bureau_id=membership.bureau_id)
        if not form.is_valid():
            raise serializers.ValidationError(_messages(form))
        data = form.cleaned_data
        scope = (
            {"year": data["year"], "quarter": data["quarter"]}
            if data["kind"] == OfficialKind.QUARTERLY
            else {"campaign": data["campaign"]}
        )
        report = official.generate(data["kind"], membership.bureau, user=request.user, **scope)
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=DocumentTextSerializer, responses={200: OfficialReportSerializer, **STEP_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def edit(self, request: Request, pk: str) -> Response:
        """Change a draft's title and text, given as headings and paragraphs (bureau admin)."""
        report = self.get_object()
        report.refuse_if_not_allowed(request.user, "edit")  # who before what
        args = _validated(DocumentTextSerializer, request)
        _read_at(report, args)
        narrative = official.narrative_from_blocks(
            [b["kind"] for b in args["blocks"]], [b["text"] for b in args["blocks"]]
        )
        report.edit(request.user, title=args["title"], narrative=narrative)
        return Response(self.get_serializer(report).data)

    @extend_schema(
        request=IssueSerializer, responses={200: OfficialReportSerializer, **STEP_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str) -> Response:
        """Sign the draft off; its text is frozen from then on (bureau admin). A figure changed
        by hand must be confirmed (`confirm_changed_figures`), or 400 lists the changed ones."""
        report = self.get_object()
        report.refuse_if_not_allowed(request.user, "issue")  # who before what
        args = _validated(IssueSerializer, request)
        _read_at(report, args)
        report.issue(request.user, confirm_changed_figures=args["confirm_changed_figures"])
        return Response(self.get_serializer(report).data)

    @extend_schema(
        request=None, responses={(200, "application/octet-stream"): FILE, **error_responses(404)}
    )
    @action(detail=True, methods=["get"], url_path=r"download/(?P<fmt>docx|pdf|xlsx)")
    def download(self, request: Request, pk: str, fmt: str) -> HttpResponse:
        """The document as Word, PDF or Excel."""
        report = self.get_object()
        response = HttpResponse(
            render(official.build_document(report), fmt), content_type=CONTENT_TYPES[fmt]
        )
        response["Content-Disposition"] = (
            f"attachment; filename=\"report.{fmt}\"; filename*=UTF-8''{quote(report.title)}.{fmt}"
        )
        return response

    @extend_schema(
        request=None, responses={(200, "application/octet-stream"): FILE, **error_responses(404)}
    )
    @action(detail=True, methods=["get"], url_path=r"lists/(?P<number>[0-9]+)")
    def lists(self, request: Request, pk: str, number: str) -> HttpResponse:
        """The full list of one of the document's long tables, as .xlsx (its link is among the
        row's `downloads`, named by the file's name)."""
        attachments = official.build_document(self.get_object(), charts=False).attachments
        if not 1 <= int(number) <= len(attachments):
            raise Http404
        attachment = attachments[int(number) - 1]
        response = HttpResponse(render_attachment(attachment), content_type=CONTENT_TYPES["xlsx"])
        response["Content-Disposition"] = content_disposition(attachment.filename, "list")
        return response


def _messages(form: Any) -> dict[str, list[str]]:
    """A form's errors as the API answers invalid fields: each field with its messages."""
    return {name: [str(m) for m in errors] for name, errors in form.errors.items()}


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
        responses={200: StatsRowSerializer(many=True), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        form = stats.StatsFilterForm(request.query_params or None, user=request.user)
        if form.is_bound and not form.is_valid():
            raise serializers.ValidationError(_messages(form))
        return Response(stats.part(request.user, form, self.part))


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
