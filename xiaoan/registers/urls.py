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
    path("assessments/", views.assessment_list, name="assessments"),
    path("assessments/export/", views.assessment_export, name="assessments-export"),
    path("assessments/open/", views.assessment_open, name="assessments-open"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/compute/", views.assessment_compute, name="assessment-compute"),
    path("assessments/<int:pk>/score/", views.assessment_score, name="assessment-score"),
    path("assessments/<int:pk>/veto/", views.assessment_veto, name="assessment-veto"),
    path(
        "assessments/<int:pk>/lift-veto/", views.assessment_lift_veto, name="assessment-lift-veto"
    ),
    path("<slug:slug>/", views.register_list, name="list"),
    path("<slug:slug>/export/", views.register_export, name="export"),
    path("<slug:slug>/new/", views.register_form, name="create"),
    path("<slug:slug>/<int:pk>/edit/", views.register_form, name="edit"),
]
