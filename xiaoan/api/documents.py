"""Documents the bureau issued to schools, and their receipts (签收).

A school sees the documents issued to it, with its own receipt, and its safety administrator
signs for one (`POST …/{id}/sign/`); the bureau's staff see every document of the district,
with every school's receipt, the late ones first. Steps call the model's methods and let
`core.errors` through to the one exception handler.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from xiaoan.accounts.access import require_role
from xiaoan.accounts.choices import Role
from xiaoan.campaigns.views import attachment_response
from xiaoan.core.dates import local_today
from xiaoan.reports.models import DocumentReceipt, IssuedDocument

from .serializers import AllowedActionsField, error_responses

READERS = (Role.BUREAU_ADMIN, Role.BUREAU_LEADER, Role.SCHOOL_ADMIN, Role.SCHOOL_STAFF)


class ReceiptSerializer(serializers.ModelSerializer):
    school_code = serializers.CharField(source="school.code", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)
    state = serializers.SerializerMethodField(
        help_text="overdue (not signed, past the deadline), awaiting, signed_late or signed."
    )
    signed_by_name = serializers.SerializerMethodField()

    class Meta:
        model = DocumentReceipt
        fields = [
            "school",
            "school_code",
            "school_name",
            "state",
            "opened_at",
            "signed_at",
            "signed_by",
            "signed_by_name",
            "reminded_at",
        ]
        read_only_fields = fields

    def get_state(self, obj: DocumentReceipt) -> str:
        return obj.state_on(local_today())

    def get_signed_by_name(self, obj: DocumentReceipt) -> str:
        user = obj.signed_by
        return str(user.get_full_name() or user.username) if user is not None else ""


class IssuedDocumentSerializer(serializers.ModelSerializer):
    allowed_actions = AllowedActionsField()
    # Plain strings: several apps have a "kind" choice set, and one enum name would collide.
    kind = serializers.CharField(read_only=True)
    attachment = serializers.SerializerMethodField(help_text="Where the attached file is read.")
    receipts = serializers.SerializerMethodField(
        help_text=(
            "The receipts the user may see: a school's own, or (the bureau) every school's, "
            "the late ones first."
        )
    )

    class Meta:
        model = IssuedDocument
        fields = [
            "id",
            "kind",
            "title",
            "number",
            "body",
            "attachment",
            "attachment_name",
            "campaign",
            "official_report",
            "sign_by",
            "issued_at",
            "receipts",
            "version",
            "allowed_actions",
        ]
        read_only_fields = fields

    def get_attachment(self, obj: IssuedDocument) -> str:
        return f"/api/v1/issued-documents/{obj.pk}/file/" if obj.attachment else ""

    @extend_schema_field(ReceiptSerializer(many=True))
    def get_receipts(self, obj: IssuedDocument) -> list[dict[str, Any]]:
        # The viewset prefetches only the receipts the user may see (`with_receipts`): a
        # school's own, or the bureau every school's.
        return list(ReceiptSerializer(obj.receipt_rows(local_today()), many=True).data)


FILE = OpenApiResponse(OpenApiTypes.BINARY, description="The attached file.")


class IssuedDocumentViewSet(viewsets.ReadOnlyModelViewSet):
    """Documents issued to schools: a school's users see those issued to their school, the
    bureau's staff every one of the district; the government and departments none (403)."""

    serializer_class = IssuedDocumentSerializer

    def get_queryset(self) -> Any:
        user = self.request.user
        return IssuedDocument.objects.for_user(user).with_receipts(user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_role(request.user, *READERS)
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One document; a school's user reading it marks the school's first reading."""
        document = self.get_object()
        document.mark_opened(request.user)
        return Response(self.get_serializer(document).data)

    @extend_schema(
        request=None, responses={200: IssuedDocumentSerializer, **error_responses(403, 404, 409)}
    )
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str) -> Response:
        """Sign for the document on behalf of the school (its safety administrator): who and
        when are kept; signed already answers 409."""
        document = self.get_object()
        document.sign(request.user)
        return Response(self.get_serializer(document).data)

    @extend_schema(
        request=None, responses={(200, "application/octet-stream"): FILE, **error_responses(404)}
    )
    @action(detail=True, methods=["get"])
    def file(self, request: Request, pk: str) -> FileResponse:
        """The attached file (opening it counts as the school's first reading, not signing)."""
        document = self.get_object()
        document.mark_opened(request.user)
        return attachment_response(document.attachment, document.attachment_name)


def register_routes(router: Any) -> None:
    router.register("issued-documents", IssuedDocumentViewSet, basename="issued-document")
