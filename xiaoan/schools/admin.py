from django.contrib import admin

from .models import Bureau, BureauSection, Department, Region, School


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]


class SectionInline(admin.TabularInline):
    model = BureauSection
    extra = 0


@admin.register(Bureau)
class BureauAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    inlines = [SectionInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "bureau"]
    list_filter = ["kind"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "principal",
        "enrolment",
        "boarding",
        "canteen",
        "private",
    ]
    list_filter = ["kind", "boarding", "canteen", "private", "closed_on"]
    search_fields = ["code", "name"]
