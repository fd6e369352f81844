"""Hazard API: the ledger with the page's filters, the workflow steps as POST actions, stats.

Steps call the model's transition methods and let their refusals through: `core.errors` are
mapped once, in `api.views.exception_handler` (wrong state or a stale version 409, incomplete
input 400, wrong role 403); another school's hazard is 404. Every row carries the caller's
`allowed_actions`, the same list the page's buttons come from.
"""

from __future__ import annotations

import datetime
import re
from typing import Any, cast

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xiaoan.accounts.access import membership_of
from xiaoan.campaigns.models import Campaign
from xiaoan.core import fragments
from xiaoan.core.counting import Total
from xiaoan.core.dates import FIRST_DAY, LAST_DAY, local_today
from xiaoan.core.workflow import Actions
from xiaoan.hazards import counts
from xiaoan.hazards.choices import HazardLevel, HazardSource, PhotoKind
from xiaoan.hazards.filters import HazardFilter
from xiaoan.hazards.models import Area, Hazard, HazardEvent, HazardPhoto
from xiaoan.hazards.querysets import HazardQuerySet
from xiaoan.hazards.stats import summary, summary_of
from xiaoan.schools.models import School

from .pagination import KeysetPagination
from .risks import risk_point_input
from .serializers import AllowedActionsField, LabelField, error_responses

# ---- serializers ----------------------------------------------------------------------------


class HazardEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)
    kind_display = LabelField("kind")

    class Meta:
        model = HazardEvent
        fields = [
            "id",
            "kind",
            "kind_display",
            "from_status",
            "to_status",
            "actor",
            "comment",
            "data",
            "created_at",
        ]


class HazardPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = HazardPhoto
        fields = ["id", "kind", "width", "height", "url", "thumbnail_url", "created_at"]

    def get_url(self, photo: HazardPhoto) -> str:
        return reverse("hazards:photo", args=[photo.pk])

    def get_thumbnail_url(self, photo: HazardPhoto) -> str:
        return reverse("hazards:thumbnail", args=[photo.pk])


class HazardSerializer(serializers.ModelSerializer):
    school_name = serializers.CharField(source="school.name", read_only=True)
    area = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    level_display = LabelField("level")
    status_display = LabelField("status")
    reported_by = serializers.CharField(source="reported_by.username", read_only=True)
    department_name = serializers.CharField(
        source="department.name", default=None, read_only=True, allow_null=True
    )
    is_overdue = serializers.BooleanField(read_only=True)
    allowed_actions = AllowedActionsField(
        help_text="The steps the caller may take now (`Hazard.allowed_actions`)."
    )

    class Meta:
        model = Hazard
        fields = [
            "id",
            "code",
            "school",
            "school_name",
            "area",
            "area_name",
            "campaign",
            "level",
            "level_display",
            "source",
            "description",
            "location",
            "found_on",
            "reported_by",
            "department",
            "department_name",
            "status",
            "status_display",
            "opinion",
            "responsible_person",
            "deadline",
            "measures",
            "cost",
            "interim_control",
            "risk_point",
            "closed_at",
            "supervised",
            "is_overdue",
            "version",
            "allowed_actions",
        ]
        read_only_fields = fields


class HazardDetailSerializer(HazardSerializer):
    events = HazardEventSerializer(many=True, read_only=True)
    photos = HazardPhotoSerializer(many=True, read_only=True)

    class Meta(HazardSerializer.Meta):
        fields = [*HazardSerializer.Meta.fields, "events", "photos"]
        read_only_fields = fields


class HazardReportSerializer(serializers.Serializer):
    school = serializers.PrimaryKeyRelatedField(queryset=School.objects.all(), required=False)
    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())
    level = serializers.ChoiceField(choices=HazardLevel.choices, default=HazardLevel.GENERAL)
    source = serializers.ChoiceField(choices=HazardSource.choices)  # type: ignore[assignment]
    description = serializers.CharField(max_length=2000)
    location = serializers.CharField(max_length=200, required=False, default="")
    found_on = serializers.DateField(required=False)
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), required=False, allow_null=True
    )
    risk_point = risk_point_input()
    backdated = serializers.BooleanField(
        required=False,
        default=False,
        help_text="The bureau's explicit back-dating of a hazard found before the open period "
        "(bureau_admin only).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "request" not in self.context:
            return  # described for the schema, not bound to a request
        user = self.context["request"].user
        membership = membership_of(user)
        # Only the schools and campaigns the user can see exist for this request.
        cast(Any, self.fields["school"]).queryset = School.objects.for_user(user)
        bureau = membership.bureau_id if membership else None
        cast(Any, self.fields["campaign"]).queryset = Campaign.objects.filter(bureau=bureau)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        membership = membership_of(self.context["request"].user)
        if membership is not None and membership.school_id:
            attrs["school"] = membership.school
        if "school" not in attrs:
            raise APIValidationError(
                {"school": [serializers.Field.default_error_messages["required"]]}
            )
        return attrs


# One input per step: what the step really takes. `version` (optional) is the client's copy of
# the hazard; if someone saved since, the step is refused with 409 and nothing changes.


class HazardStepInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1)


class HazardCommentInputSerializer(HazardStepInputSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class HazardAssignInputSerializer(HazardCommentInputSerializer):
    """Issue the rectification opinion and deadline (reported → assigned)."""

    opinion = serializers.CharField()
    deadline = serializers.DateField()
    responsible_person = serializers.CharField(required=False, allow_blank=True, default="")
    interim_control = serializers.CharField(required=False, allow_blank=True, default="")


class HazardStartInputSerializer(HazardCommentInputSerializer):
    """The school starts rectifying (assigned → rectifying)."""


class HazardSubmitInputSerializer(HazardCommentInputSerializer):
    """The work done, for verification (rectifying → awaiting_verification). `photos`: the
    after-rectification photos (multipart, the field repeated); at least one is needed unless
    an after-photo is already on the hazard."""

    measures = serializers.CharField()
    cost = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class HazardVerifyInputSerializer(HazardCommentInputSerializer):
    """Passed closes the hazard; failed (a comment required) sends it back to rectifying."""

    passed = serializers.BooleanField()


class HazardRejectInputSerializer(HazardStepInputSerializer):
    """Not a hazard after all (reported or assigned → rejected)."""

    reason = serializers.CharField()


class HazardExtendInputSerializer(HazardStepInputSerializer):
    """The school asks for a later deadline (not in the past, later than the current one)."""

    new_deadline = serializers.DateField()
    reason = serializers.CharField()

    def validate_new_deadline(self, value: datetime.date) -> datetime.date:
        if value < local_today():
            raise APIValidationError(gettext("The new deadline cannot be in the past."))
        return value


class HazardDecideExtensionInputSerializer(HazardCommentInputSerializer):
    """Approve (the deadline moves) or refuse (a comment required) the pending request."""

    approve = serializers.BooleanField()


class HazardSuperviseInputSerializer(HazardCommentInputSerializer):
    """Put a major open hazard under the leaders' supervision (bureau leader)."""


class HazardLiftInputSerializer(HazardCommentInputSerializer):
    """End the supervision (bureau leader)."""


class HazardPhotoInputSerializer(HazardStepInputSerializer):
    """One photo (multipart), before or after rectification."""

    image = serializers.FileField()
    kind = serializers.ChoiceField(choices=PhotoKind.choices, default=PhotoKind.BEFORE)


class HazardEditInputSerializer(serializers.Serializer):
    """Correct the report's details; `version` (the copy edited) is required."""

    version = serializers.IntegerField(min_value=1)
    area = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.all(), required=False
    )
    level = serializers.ChoiceField(choices=HazardLevel.choices, required=False)
    description = serializers.CharField(required=False, max_length=2000)
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)
    interim_control = serializers.CharField(required=False, allow_blank=True)
    risk_point = risk_point_input()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


def _step_schema(request: type[serializers.Serializer]) -> Any:
    """A step's real input, the hazard it answers, and its refusals."""
    return extend_schema(
        request=request,
        responses={200: HazardDetailSerializer, **error_responses(400, 403, 404, 409)},
    )


# ---- the viewset ----------------------------------------------------------------------------


def kept_rows(hazards: list[Hazard], request: Request) -> list[dict[str, Any]]:
    """Each hazard's API row, made once for each version of what it gives
    (`core.fragments.records`): the hazard's, its school's, area's and department's versions,
    its reporter's login, the day (overdue) and the caller's reach over it — the role it acts
    in, which is all `allowed_actions` asks of the caller. `hazards` are read with only those
    (`api_row_keys`); the rows not kept are read whole and serialized in one go."""
    user = request.user
    today = local_today().isoformat()

    def key(hazard: Hazard) -> tuple[Any, ...]:
        shown = fragments.versions(hazard, hazard.school, hazard.area, hazard.department)
        reporter = hazard.reported_by
        return (*shown, reporter.pk, reporter.username, hazard.scope_role(user), today)

    def make(missing: list[Hazard]) -> dict[int, dict[str, Any]]:
        whole = Hazard.objects.with_pending_extension().with_names()
        rows = list(whole.filter(pk__in=[h.pk for h in missing]))
        data = HazardSerializer(rows, many=True, context={"request": request}).data
        return {row["id"]: row for row in data}

    code = (HazardSerializer, AllowedActionsField, Hazard, Actions)
    return fragments.records("api-hazard", code, hazards, key, make)


class LedgerFilterBackend(DjangoFilterBackend):
    """The ledger's FilterSet, kept on the view: its total reads the filters as cleaned."""

    def get_filterset(self, request: Request, queryset: QuerySet, view: Any) -> Any:
        view.filterset = super().get_filterset(request, queryset, view)
        return view.filterset


class LedgerPagination(KeysetPagination):
    """The ledger's pages by keyset over its order; its total as the ledger page counts it."""

    def total(self, queryset: QuerySet, request: Request, view: Any) -> Total:
        filterset = getattr(view, "filterset", None)
        cleaned = filterset.form.cleaned_data if filterset is not None else {}
        return counts.ledger_total(request.user, cleaned, queryset)


# The API's action names where they differ from the model's step names.
STEP_OF_ACTION = {"lift_supervision": "lift", "photos": "photo", "add_photos": "photo"}


class HazardViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The hazard ledger. Filters as on the ledger page; `sort` orders the rows."""

    filterset_class = HazardFilter
    filter_backends = [LedgerFilterBackend, OrderingFilter]
    ordering_fields = ["code", "found_on", "deadline"]
    pagination_class = LedgerPagination

    def get_queryset(self) -> QuerySet[Hazard]:
        queryset = Hazard.objects.for_user(self.request.user)
        if self.action == "list":
            return queryset  # its page's keys (`list`), then the rows not kept
        queryset = queryset.with_pending_extension().with_related()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("events__actor", "photos")
        return queryset

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The page's rows as kept (`kept_rows`): the page reads only their keys.
        hazards = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(cast(HazardQuerySet, hazards).api_row_keys())
        return self.get_paginated_response(kept_rows(page or [], request))

    def get_serializer_class(self) -> Any:
        return {
            "retrieve": HazardDetailSerializer,
            "create": HazardReportSerializer,
            "partial_update": HazardEditInputSerializer,
        }.get(self.action, HazardSerializer)

    @extend_schema(
        request=HazardReportSerializer,
        responses={201: HazardDetailSerializer, **error_responses(400, 403)},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        Hazard.check_reporter(request.user)  # who before what
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hazard = Hazard.objects.report(reported_by=request.user, **serializer.validated_data)
        return Response(self._detail(hazard), status=status.HTTP_201_CREATED)

    @_step_schema(HazardEditInputSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Correct the report's details; `version` is required and must be current."""
        hazard = self.get_object()
        hazard.refuse_if_not_allowed(request.user, "edit")  # who before what
        serializer = HazardEditInputSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        hazard.edit(request.user, version=data.pop("version"), **data)
        return Response(self._detail(hazard))

    def _detail(self, hazard: Hazard) -> dict[str, Any]:
        fresh = self.get_queryset().prefetch_related("events__actor", "photos").get(pk=hazard.pk)
        return HazardDetailSerializer(fresh, context=self.get_serializer_context()).data

    def _step(self, request: Request, serializer_class: type, run: Any) -> Response:
        hazard = self.get_object()
        # Who before what: a role that may not take the step hears 403 before its body is read.
        hazard.refuse_if_not_allowed(request.user, STEP_OF_ACTION.get(self.action, self.action))
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        if version is not None:
            hazard.version = version  # the client's copy: refused if it is stale
        with transaction.atomic():
            run(hazard, data)
        return Response(self._detail(hazard))

    @_step_schema(HazardAssignInputSerializer)
    @action(detail=True, methods=["post"], serializer_class=HazardAssignInputSerializer)
    def assign(self, request: Request, pk: str | None = None) -> Response:
        return self._step(
            request, HazardAssignInputSerializer, lambda h, d: h.assign(request.user, **d)
        )

    @_step_schema(HazardStartInputSerializer)
    @action(detail=True, methods=["post"], serializer_class=HazardStartInputSerializer)
    def start(self, request: Request, pk: str | None = None) -> Response:
        return self._step(
            request, HazardStartInputSerializer, lambda h, d: h.start(request.user, **d)
        )

    @_step_schema(HazardSubmitInputSerializer)
    @action(detail=True, methods=["post"], serializer_class=HazardSubmitInputSerializer)
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._step(
            request, HazardSubmitInputSerializer, lambda h, d: h.submit(request.user, **d)
        )

    @_step_schema(HazardVerifyInputSerializer)
    @action(detail=True, methods=["post"], serializer_class=HazardVerifyInputSerializer)
    def verify(self, request: Request, pk: str | None = None) -> Response:
        return self._step(
            request, HazardVerifyInputSerializer, lambda h, d: h.verify(request.user, **d)
        )

    @_step_schema(HazardRejectInputSerializer)
    @action(detail=True, methods=["post"], serializer_class=HazardRejectInputSerializer)
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._step(
            request, HazardRejectInputSerializer, lambda h, d: h.reject(request.user, **d)
        )

    @_step_schema(HazardExtendInputSerializer)
    @action(detail=True, methods=["post"], serializer_class=HazardExtendInputSerializer)
    def extend(self, request: Request, pk: str | None = None) -> Response:
        def run(h: Hazard, d: dict[str, Any]) -> None:
            h.request_extension(request.user, **d)

        return self._step(request, HazardExtendInputSerializer, run)

    @_step_schema(HazardDecideExtensionInputSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="decide-extension",
        serializer_class=HazardDecideExtensionInputSerializer,
    )
    def decide_extension(self, request: Request, pk: str | None = None) -> Response:
        def run(h: Hazard, d: dict[str, Any]) -> None:
            h.decide_extension(request.user, **d)

        return self._step(request, HazardDecideExtensionInputSerializer, run)

    @_step_schema(HazardSuperviseInputSerializer)
    @action(detail=True, methods=["post"], serializer_class=HazardSuperviseInputSerializer)
    def supervise(self, request: Request, pk: str | None = None) -> Response:
        return self._step(
            request, HazardSuperviseInputSerializer, lambda h, d: h.supervise(request.user, **d)
        )

    @_step_schema(HazardLiftInputSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="lift-supervision",
        serializer_class=HazardLiftInputSerializer,
    )
    def lift_supervision(self, request: Request, pk: str | None = None) -> Response:
        def run(h: Hazard, d: dict[str, Any]) -> None:
            h.lift_supervision(request.user, **d)

        return self._step(request, HazardLiftInputSerializer, run)

    @_step_schema(HazardPhotoInputSerializer)
    @action(detail=True, methods=["post"], serializer_class=HazardPhotoInputSerializer)
    def photos(self, request: Request, pk: str | None = None) -> Response:
        def run(h: Hazard, d: dict[str, Any]) -> None:
            h.add_photo(request.user, d["image"], d["kind"])

        return self._step(request, HazardPhotoInputSerializer, run)


# ---- stats ----------------------------------------------------------------------------------

PERIOD = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(\d{2})))?$")


def period_range(value: str) -> tuple[datetime.date, datetime.date]:
    """'2014' → the year, '2014-Q3' → the quarter, '2014-09' → the month."""
    match = PERIOD.match(value.strip())
    if not match:
        raise APIValidationError({"period": ["YYYY, YYYY-Qn or YYYY-MM"]})
    year, quarter, month = int(match[1]), match[2], match[3]
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        raise APIValidationError({"period": [gettext("Enter a year between 1900 and 2100.")]})
    if quarter:
        first, months = (int(quarter) - 1) * 3 + 1, 3
    elif month and 1 <= int(month) <= 12:
        first, months = int(month), 1
    elif month:
        raise APIValidationError({"period": ["YYYY, YYYY-Qn or YYYY-MM"]})
    else:
        first, months = 1, 12
    start = datetime.date(year, first, 1)
    end_month = first + months
    end = datetime.date(year + (end_month > 12), (end_month - 1) % 12 + 1, 1)
    return start, end - datetime.timedelta(days=1)


class StatsSummaryView(APIView):
    """Counts of the hazards the user may see, by area, level and status.

    Filters: `campaign`, `school_kind`, `period` (YYYY, YYYY-Qn, YYYY-MM on the found date),
    and every filter of the ledger.
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("campaign", int),
            OpenApiParameter("school_kind", str),
            OpenApiParameter("period", str, description="YYYY, YYYY-Qn or YYYY-MM"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        queryset = Hazard.objects.for_user(request.user)
        filterset = HazardFilter(request.query_params, queryset=queryset, request=request)
        if not filterset.is_valid():
            raise APIValidationError(filterset.errors)
        hazards = cast(HazardQuerySet, filterset.qs.order_by())
        # Unfiltered, today's counts kept by the workflow answer, grouped in SQL.
        kept = None if request.query_params else counts.kept_rows(request.user)
        if kept is not None:
            schools = counts.kept_rows(request.user, per_school=True)
            assert schools is not None  # kept for the same districts
            return Response(summary_of(kept, schools, hazards.overdue().count()))
        if request.query_params.get("period"):
            start, end = period_range(request.query_params["period"])
            hazards = hazards.filter(found_on__range=(start, end))
        return Response(summary(hazards))
