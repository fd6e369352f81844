from django.contrib import admin

from .models import RiskAssessment, RiskPoint


class AssessmentInline(admin.TabularInline):
    model = RiskAssessment
    extra = 0
    can_delete = False
    readonly_fields = ["likelihood", "severity", "level", "reason", "comment", "assessed_by"]


@admin.register(RiskPoint)
class RiskPointAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "area", "level", "needs_reassessment", "retired_on"]
    list_filter = ["level", "area", "needs_reassessment"]
    search_fields = ["name", "school__name", "school__code"]
    inlines = [AssessmentInline]
