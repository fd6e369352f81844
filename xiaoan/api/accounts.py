"""Accounts API: the district's (or a school's) users, their membership and the account steps;
the district's organisations (bureau sections and partner departments) to choose from.

The same model methods as the pages: `Membership.objects.open_account`, `change`,
`deactivate`, `activate`, `reset_password`. A temporary password is in the answer of the
request that made it, once, and nowhere else.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from xiaoan.accounts.access import has_role, member
from xiaoan.accounts.choices import Role
from xiaoan.accounts.filters import AccountFilter
from xiaoan.accounts.models import Membership
from xiaoan.accounts.querysets import ACCOUNT_READERS
from xiaoan.core.errors import NotAllowed
from xiaoan.core.validators import validate_phone
from xiaoan.schools.choices import DepartmentKind
from xiaoan.schools.models import BureauSection, Department, School

from .serializers import AllowedActionsField, LabelField, error_responses

STEP_ERRORS = error_responses(400, 403, 404, 409)


def _not_allowed() -> NotAllowed:
    from django.utils.translation import gettext

    return NotAllowed(
        gettext("Accounts are managed by the bureau and by each school's administrator.")
    )


class UserSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.first_name", read_only=True)
    role_display = LabelField("role")
    school_code = serializers.CharField(
        source="school.code", read_only=True, default=None, allow_null=True
    )
    organisation = serializers.CharField(source="organisation_name", read_only=True)
    last_login = serializers.DateTimeField(
        source="user.last_login", read_only=True, allow_null=True
    )
    date_joined = serializers.DateTimeField(source="user.date_joined", read_only=True)
    allowed_actions = AllowedActionsField(
        help_text="The steps the caller may take now: edit, deactivate, activate, reset_password."
    )

    class Meta:
        model = Membership
        fields = [
            "id",
            "username",
            "full_name",
            "role",
            "role_display",
            "school",
            "school_code",
            "department",
            "section",
            "organisation",
            "title",
            "phone",
            "is_active",
            "must_change_password",
            "last_login",
            "date_joined",
            "version",
            "allowed_actions",
        ]
        read_only_fields = fields


class UserInputSerializer(serializers.Serializer):
    """A login and its membership: a school role names its `school`, an inspector its
    `department`; a bureau account may name its `section`."""

    username = serializers.CharField(max_length=150)
    full_name = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Role.choices)
    school = serializers.PrimaryKeyRelatedField(
        queryset=School.objects.all(), required=False, allow_null=True, default=None
    )
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True, default=None
    )
    section = serializers.PrimaryKeyRelatedField(
        queryset=BureauSection.objects.all(), required=False, allow_null=True, default=None
    )
    title = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    phone = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_phone],
    )
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="On a change: the account as read (else 409)."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "request" not in self.context:
            return  # described for the schema, not bound to a request
        user = self.context["request"].user
        fields: Any = self.fields
        fields["school"].queryset = School.objects.for_user(user)
        fields["department"].queryset = Department.objects.for_user(user)
        fields["section"].queryset = BureauSection.objects.for_user(user)


class UserCreatedSerializer(UserSerializer):
    password = serializers.CharField(
        read_only=True, help_text="The temporary password, in this answer only."
    )

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "password"]
        read_only_fields = fields


PASSWORD_ANSWER = inline_serializer(
    "TemporaryPassword",
    {"username": serializers.CharField(), "password": serializers.CharField()},
)


class UserViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """`GET` lists the accounts the caller manages or reads (the bureau's: its district's; a
    school's administrator: its school's); others are refused (403)."""

    serializer_class = UserSerializer
    filterset_class = AccountFilter
    ordering_fields = ["id", "user__username", "user__last_login"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Membership]:
        accounts = Membership.objects.for_user(self.request.user)
        return accounts.select_related("user", "school", "department", "section").order_by("id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not has_role(request.user, *ACCOUNT_READERS):
            raise _not_allowed()
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=UserInputSerializer,
        responses={201: UserCreatedSerializer, **error_responses(400, 403)},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not has_role(request.user, Role.BUREAU_ADMIN, Role.SCHOOL_ADMIN):
            raise _not_allowed()  # who before what: the body is not read
        data = UserInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("version", None)
        account, password = Membership.objects.open_account(
            request.user, bureau=member(request.user).bureau, **values
        )
        body = UserCreatedSerializer(account, context={"request": request}).data
        return Response({**body, "password": password}, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=UserInputSerializer(partial=True),
        responses={200: UserSerializer, **STEP_ERRORS},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        account = self.get_object()
        account.refuse_if_not_allowed(request.user, "edit")
        data = UserInputSerializer(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "version" in values:
            account.version = values.pop("version")
        account.change(request.user, **values)
        return Response(self.get_serializer(account).data)

    def _step(self, request: Request, step: str) -> Any:
        account = self.get_object()
        account.refuse_if_not_allowed(request.user, step)
        version = str(request.data.get("version") or "") if hasattr(request.data, "get") else ""
        if version.isdigit():
            account.version = int(version)
        return account, getattr(account, step)(request.user)

    @extend_schema(request=None, responses={200: UserSerializer, **STEP_ERRORS})
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: Any = None) -> Response:
        """Never deleted: the login stops working; its sessions and API token end."""
        account, _done = self._step(request, "deactivate")
        return Response(self.get_serializer(account).data)

    @extend_schema(request=None, responses={200: UserSerializer, **STEP_ERRORS})
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: Any = None) -> Response:
        account, _done = self._step(request, "activate")
        return Response(self.get_serializer(account).data)

    @extend_schema(request=None, responses={200: PASSWORD_ANSWER, **STEP_ERRORS})
    @action(detail=True, methods=["post"], url_path="reset-password")
    def reset_password(self, request: Request, pk: Any = None) -> Response:
        """A temporary password, in this answer only; the user must change it at the next
        login."""
        account, password = self._step(request, "reset_password")
        return Response({"username": account.user.username, "password": password})


class BureauSectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = BureauSection
        fields = ["id", "name", "is_safety_section", "is_active"]
        read_only_fields = fields


class DepartmentSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=DepartmentKind.choices, read_only=True)
    kind_display = LabelField("kind")

    class Meta:
        model = Department
        fields = ["id", "name", "kind", "kind_display", "contact", "phone", "is_active"]
        read_only_fields = fields


class SectionViewSet(viewsets.ReadOnlyModelViewSet):
    """The bureau's sections (those retired too: `is_active` false)."""

    serializer_class = BureauSectionSerializer

    def get_queryset(self) -> QuerySet[BureauSection]:
        return BureauSection.objects.for_user(self.request.user).order_by("id")


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """The district's partner departments (those retired too: `is_active` false)."""

    serializer_class = DepartmentSerializer

    def get_queryset(self) -> QuerySet[Department]:
        return Department.objects.for_user(self.request.user).order_by("id")


def register_routes(router: Any) -> None:
    router.register("users", UserViewSet, basename="user")
    router.register("sections", SectionViewSet, basename="section")
    router.register("departments", DepartmentViewSet, basename="department")
