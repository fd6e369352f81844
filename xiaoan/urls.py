from django.contrib import admin
from django.urls import include, path

from . import views

# Day-to-day work happens in the product's pages; Django admin is for superusers only.
admin.site.has_permission = lambda request: bool(  # type: ignore[method-assign]
    request.user.is_active and request.user.is_superuser
)

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("xiaoan.field.urls")),
    path("accounts/", include("xiaoan.accounts.urls")),
    path("schools/file/", include("xiaoan.schoolfiles.urls")),
    path("schools/", include("xiaoan.schools.urls")),
    path("hazards/", include("xiaoan.hazards.urls")),
    path("campaigns/", include("xiaoan.campaigns.urls")),
    path("inspections/", include("xiaoan.inspections.urls")),
    path("registers/assessments/", include("xiaoan.assessments.urls")),
    path("registers/", include("xiaoan.registers.urls")),
    path("risks/", include("xiaoan.risks.urls")),
    path("reports/", include("xiaoan.reports.urls")),
    path("regions/", include("xiaoan.regions.urls")),
    path("planning/", include("xiaoan.planning.urls")),
    path("jobs/", include("xiaoan.core.urls")),
    path("api/v1/", include("xiaoan.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
