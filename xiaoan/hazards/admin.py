from django.contrib import admin

from .models import Area, ExtensionRequest, Hazard, HazardEvent, HazardPhoto


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "order", "is_active"]
    list_editable = ["order", "is_active"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is never edited or deleted, not even by a superuser."""

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Hazard)
class HazardAdmin(ReadOnlyAdmin):
    list_display = ["code", "school", "area", "level", "status", "found_on", "deadline"]
    list_filter = ["status", "level", "area", "supervised"]
    search_fields = ["code", "description", "school__name"]
    list_select_related = ["school", "area"]


@admin.register(HazardEvent)
class HazardEventAdmin(ReadOnlyAdmin):
    list_display = ["hazard", "kind", "from_status", "to_status", "actor", "created_at"]
    list_select_related = ["hazard", "actor"]


admin.site.register(HazardPhoto, ReadOnlyAdmin)
admin.site.register(ExtensionRequest, ReadOnlyAdmin)
