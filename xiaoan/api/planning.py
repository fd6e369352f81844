"""Risk scores API: each school's score on a day and its terms, highest first (the planning
page's ranking). Read by the bureau's planners and the levels above; 403 for anyone else."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from xiaoan.accounts.access import require_role
from xiaoan.accounts.choices import Role
from xiaoan.planning.forms import DayForm
from xiaoan.planning.scores import score_schools
from xiaoan.schools.models import School

from .serializers import error_responses


class RiskTermSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the term's, not the field's
    value = serializers.FloatField()
    weight = serializers.FloatField()
    points = serializers.FloatField()


class RiskScoreSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    school = serializers.IntegerField(source="school.pk")
    school_code = serializers.CharField(source="school.code")
    school_name = serializers.CharField(source="school.name")
    district = serializers.CharField(source="school.bureau.name")
    score = serializers.FloatField()
    terms = RiskTermSerializer(many=True, source="lines")


class RiskScoreViewSet(viewsets.GenericViewSet):
    """Each school's risk score and its terms (value × weight = points), highest first.

    `?day=YYYY-MM-DD`: as the data stood at the end of that day (default and at most today).
    """

    serializer_class = RiskScoreSerializer
    filter_backends: list[type] = []

    @extend_schema(
        parameters=[OpenApiParameter("day", OpenApiTypes.DATE)],
        responses={200: RiskScoreSerializer(many=True), **error_responses(400, 403)},
    )
    def list(self, request: Request) -> Response:
        require_role(request.user, Role.BUREAU_ADMIN, Role.BUREAU_LEADER, *Role.regional())
        form = DayForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(
                {k: [str(e) for e in v] for k, v in form.errors.items()}
            )
        scores = score_schools(School.objects.for_user(request.user), form.day_or_today())
        page: Any = self.paginate_queryset(scores)  # type: ignore[arg-type]
        return self.get_paginated_response(RiskScoreSerializer(page, many=True).data)


def register_routes(router: Any) -> None:
    router.register("risk-scores", RiskScoreViewSet, basename="risk-score")
