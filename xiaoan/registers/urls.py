from django.urls import path

from . import views

app_name = "registers"

urlpatterns = [
    path("", views.index, name="index"),
    path("gate/", views.gate, name="gate"),
    path("visitors/<int:pk>/sign-out/", views.visitor_sign_out, name="visitor-sign-out"),
    path("duty-gaps/", views.duty_gap_view, name="duty-gaps"),
    path("special-groups/counts/", views.special_group_counts, name="special-counts"),
    path("papers/", views.expiring_papers, name="papers"),
    path(
        "surroundings/<int:pk>/follow-up/",
        views.surroundings_follow_up,
        name="surroundings-follow-up",
    ),
    path("patrol-points/<int:pk>/scan/", views.patrol_scan, name="patrol-scan"),
    path("patrol-points/sheet/", views.patrol_sheet, name="patrol-sheet"),
    path("patrol-board/", views.patrol_board, name="patrol-board"),
    path("patrols/<int:pk>/photo/", views.patrol_photo, name="patrol-photo"),
    path("emergency-plans/<int:pk>/file/", views.plan_file, name="plan-file"),
    path("drill-photos/<int:pk>/", views.drill_photo, name="drill-photo"),
    path(
        "drills/<int:pk>/report-problem/",
        views.report_problem,
        {"slug": "drills"},
        name="drill-report-problem",
    ),
    path("drill-board/", views.drill_board, name="drill-board"),
    path("drill-rules/", views.drill_rules, name="drill-rules"),
    path("drill-rules/new/", views.drill_rule_form, name="drill-rule-create"),
    path("drill-rules/<int:pk>/edit/", views.drill_rule_form, name="drill-rule-edit"),
    path(
        "accompanying-meals/<int:pk>/report-problem/",
        views.report_problem,
        {"slug": "accompanying-meals"},
        name="meal-report-problem",
    ),
    path("supplier-certificates/<int:pk>/file/", views.certificate_file, name="certificate-file"),
    path("school-papers/<int:pk>/file/", views.paper_file, name="paper-file"),
    path("paper-kinds/", views.paper_kinds, name="paper-kinds"),
    path("paper-kinds/new/", views.paper_kind_form, name="paper-kind-create"),
    path("paper-kinds/<int:pk>/edit/", views.paper_kind_form, name="paper-kind-edit"),
    path("food-board/", views.food_board, name="food-board"),
    path("meal-times/", views.meal_times, name="meal-times"),
    path("meal-times/<str:meal>/edit/", views.meal_time_form, name="meal-time-edit"),
    path("<slug:slug>/", views.register_list, name="list"),
    path("<slug:slug>/export/", views.register_export, name="export"),
    path("<slug:slug>/new/", views.register_form, name="create"),
    path("<slug:slug>/import/", views.register_import, name="import"),
    path("<slug:slug>/import/preview/", views.register_import_preview, name="import-preview"),
    path(
        "<slug:slug>/import/template.xlsx",
        views.register_import_template,
        name="import-template",
    ),
    path("<slug:slug>/<int:pk>/", views.register_detail, name="detail"),
    path("<slug:slug>/<int:pk>/edit/", views.register_form, name="edit"),
]
