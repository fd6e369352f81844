"""The API's organisation endpoints and token login; the domains add their own modules."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from rest_framework import exceptions, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from xiaoan.schools.filters import SchoolFilter
from xiaoan.schools.models import School

from .serializers import SchoolSerializer


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, except that a missing object answers "未找到。" in the user's language:
    Django's Http404 text is English and names the model ("No Hazard matches the given query.")."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)


class TokenView(ObtainAuthToken):
    """POST username and password, get the user's token (throttled like the login page)."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"


class SchoolViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SchoolSerializer
    filterset_class = SchoolFilter
    ordering_fields = ["code", "name", "enrolment"]

    def get_queryset(self) -> QuerySet[School]:
        return School.objects.for_user(self.request.user)
