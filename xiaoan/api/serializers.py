"""Serializers of the organisations; each domain's serializers sit beside its viewsets."""

from __future__ import annotations

from rest_framework import serializers

from xiaoan.schools.models import School


class SchoolSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = School
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_display",
            "address",
            "principal",
            "phone",
            "enrolment",
            "boarding",
            "private",
            "is_active",
        ]
