from django.contrib import admin

from .models import Campaign, CampaignEvent, WorkPlan, WorkPlanEvent, WorkPlanSection


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "bureau", "start_date", "end_date", "status"]
    list_filter = ["status"]


class SectionInline(admin.TabularInline):
    model = WorkPlanSection
    extra = 0


@admin.register(WorkPlan)
class WorkPlanAdmin(admin.ModelAdmin):
    list_display = ["school", "campaign", "status", "submitted_at"]
    list_filter = ["status", "campaign"]
    inlines = [SectionInline]


admin.site.register([CampaignEvent, WorkPlanEvent])
