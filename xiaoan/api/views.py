"""The API's organisation endpoints and token login; the domains add their own modules."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from xiaoan.accounts import throttle, twofactor
from xiaoan.accounts.access import membership_of
from xiaoan.accounts.middleware import must_change_password
from xiaoan.core.errors import DomainError, Invalid
from xiaoan.schools.filters import SchoolFilter
from xiaoan.schools.models import School

from .serializers import SchoolSerializer, error_responses


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
    elif response is not None and isinstance(exc, exceptions.ValidationError):
        response.data = _flat_field_errors(response.data)
    return response


def _flat_field_errors(data: Any) -> Any:
    """Each field's messages as one list of sentences, as the schema documents them: the
    messages of a list field's items (`{"photos": {"0": [...]}}`) join their field's list."""
    if not isinstance(data, dict):
        return data
    return {name: _sentences(value) for name, value in data.items()}


def _sentences(value: Any) -> Any:
    if isinstance(value, dict):
        return [sentence for item in value.values() for sentence in _sentences(item)]
    if isinstance(value, list):
        return [
            s
            for item in value
            for s in (_sentences(item) if isinstance(item, list | dict) else [item])
        ]
    return [value]


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    code = serializers.CharField(
        required=False, help_text="The authenticator app's code, for an account with one."
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenView(APIView):
    """POST username and password (and the second factor's code where the account has one),
    get the user's token. Counted by the login page's throttle (`accounts.throttle`)."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, **error_responses(400, 429)},
    )
    def post(self, request: Request) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username, password = data.validated_data["username"], data.validated_data["password"]
        try:
            user = throttle.authenticate_throttled(request._request, username, password)
        except throttle.LockedOut as locked:
            raise exceptions.Throttled(detail=locked.message) from None
        if user is None or not (user.is_superuser or membership_of(user) is not None):
            raise Invalid(gettext("The username or password is not right."))
        if must_change_password(user):
            raise Invalid(gettext("The password is temporary: change it on the login page first."))
        factor = twofactor.factor_of(user)
        if factor is not None and not factor.verify(data.validated_data.get("code", "")):
            raise Invalid(gettext("The code is not right, or was already used."))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class SchoolViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SchoolSerializer
    filterset_class = SchoolFilter
    ordering_fields = ["code", "name", "enrolment"]

    def get_queryset(self) -> QuerySet[School]:
        return School.objects.for_user(self.request.user)
