"""Admin for the assessments: read them; the history is read-only."""

from django.contrib import admin

from . import models


class AssessmentEventInline(admin.TabularInline):
    model = models.AssessmentEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "actor", "comment", "data", "total", "result", "created_at"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(models.Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["school", "year", "total", "vetoed", "result"]
    list_filter = ["year", "result", "vetoed"]
    readonly_fields = ["total", "result", "vetoed", "veto_reason", "vetoed_by", "vetoed_at"]
    inlines = [AssessmentEventInline]
