from django.contrib import admin

from .models import ChecklistItem, ChecklistTemplate, Inspection, InspectionSchedule


class ItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "version", "is_current"]
    inlines = [ItemInline]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["school", "kind", "date", "status"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["school", "campaign", "schedule", "created_by"]


@admin.register(InspectionSchedule)
class InspectionScheduleAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "start_date", "due_date", "status"]
    list_filter = ["kind", "status"]
