"""The user's own notifications over the API: newest first, each with its sentence in the
reader's language (Accept-Language), the object's code and the link to it; marking one read,
and all read. Another user's notification answers 404."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from xiaoan.notifications.choices import NotificationKind
from xiaoan.notifications.models import Notification

from .serializers import error_responses


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        method="only_unread", label="true: only the unread ones; false: only those read."
    )

    class Meta:
        model = Notification
        fields = ["unread", "kind"]

    def only_unread(
        self, rows: QuerySet[Notification], name: str, value: bool
    ) -> QuerySet[Notification]:
        return rows.filter(read_at__isnull=value)


class NotificationSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=NotificationKind.choices, read_only=True)
    message = serializers.CharField(read_only=True)
    urgent = serializers.BooleanField(source="is_urgent", read_only=True)
    code = serializers.CharField(source="object_key", read_only=True)
    params = serializers.DictField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "urgent", "message", "code", "link", "params", "created_at"]
        fields += ["read_at"]
        read_only_fields = fields


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(
        summary="My notifications",
        description=(
            "The requesting user's notifications, newest first; `unread=true` for the unread "
            "ones. `message` is in the request's language; `code` names the object (a "
            "hazard's reference code…), `link` is its page."
        ),
    ),
    retrieve=extend_schema(responses={200: NotificationSerializer, **error_responses(404)}),
)
class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self) -> QuerySet[Notification]:
        return Notification.objects.for_user(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=None, responses={200: NotificationSerializer, **error_responses(404)})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: Any) -> Response:
        """Mark this notification read (reading it twice keeps the first time)."""
        notification = self.get_object()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses={200: MarkedSerializer})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        """Mark every unread notification of the user read; answers how many were marked."""
        marked = Notification.objects.for_user(request.user).unread().update(read_at=timezone.now())
        return Response({"marked": marked})


def register_routes(router: Any) -> None:
    router.register("notifications", NotificationViewSet, basename="notification")
