from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import (
    accounts,
    assessments,
    campaigns,
    changes,
    documents,
    hazards,
    inspections,
    notifications,
    planning,
    registers,
    reports,
    risks,
    views,
)

app_name = "api"

router = DefaultRouter()
router.register("schools", views.SchoolViewSet, basename="school")
router.register("hazards", hazards.HazardViewSet, basename="hazard")
accounts.register_routes(router)
registers.register_routes(router)
assessments.register_routes(router)
campaigns.register_routes(router)
inspections.register_routes(router)
reports.register_routes(router)
documents.register_routes(router)
router.register("changes", changes.ChangeViewSet, basename="change")
notifications.register_routes(router)
planning.register_routes(router)
risks.register_routes(router)

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("stats/summary/", hazards.StatsSummaryView.as_view(), name="stats-summary"),
    *reports.stats_paths(),
    path("", include(router.urls)),
]
