"""Admin for the registers: read and correct rows."""

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
