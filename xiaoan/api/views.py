"""The API's organisation endpoints and token login; the domains add their own modules."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle

from xiaoan.schools.filters import SchoolFilter
from xiaoan.schools.models import School

from .serializers import SchoolSerializer


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
