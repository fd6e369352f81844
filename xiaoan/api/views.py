"""The API's organisation endpoints and token login; the domains add their own modules."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from rest_framework import exceptions, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from xiaoan.core.errors import DomainError
from xiaoan.schools.filters import SchoolFilter
from xiaoan.schools.models import School

from .serializers import SchoolSerializer


class DomainAPIError(exceptions.APIException):
    """A `core.errors.DomainError` as the API answers it: its status, sentence and code."""

    def __init__(self, error: DomainError) -> None:
        super().__init__(detail=error.message, code=error.code)
        self.status_code = error.status
        self.error = error


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The API's one mapping of errors. `core.errors` answer their status (refused 409, invalid
    400, not allowed 403, not found 404) with `{"detail": sentence, "code": code}`; a missing
    object answers "未找到。" in the user's language (Django's Http404 text is English and
    names the model); Django's ValidationError answers 400 with its messages."""
    if isinstance(exc, DomainError):
        exc = DomainAPIError(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, DomainAPIError):
        response.data = {"detail": exc.error.message, "code": exc.error.code}
    return response


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
