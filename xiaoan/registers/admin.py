"""Admin for the registers: read and correct rows; the assessment's history is read-only."""

from django.contrib import admin

from . import models

SIMPLE = [
    models.DutyShift,
    models.DutyLogEntry,
    models.PoliceRoom,
    models.SecurityStaff,
    models.Equipment,
    models.DefenceFunding,
    models.Vehicle,
    models.Driver,
    models.Route,
    models.PreDepartureCheck,
    models.EscortTeam,
    models.EscortShift,
    models.SafetyActivity,
    models.Acknowledgement,
    models.SpecialGroupChild,
    models.SurroundingsCheck,
    models.Incident,
    models.ResponsibilityLetter,
    models.WatchListEntry,
]


class SchoolRowAdmin(admin.ModelAdmin):
    list_display = ["__str__", "school", "created_at"]
    list_filter = ["school__kind"]
    raw_id_fields = ["school"]


for model in SIMPLE:
    admin.site.register(model, SchoolRowAdmin)


@admin.register(models.Visitor)
class VisitorAdmin(SchoolRowAdmin):
    list_display = ["name", "school", "entered_at", "left_at", "refused"]
    readonly_fields = ["id_masked", "watch_hit"]


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
