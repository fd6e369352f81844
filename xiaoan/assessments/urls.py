"""Under /registers/assessments/, where the assessment has always been."""

from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("export/", views.assessment_export, name="export"),
    path("open/", views.assessment_open, name="open"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/compute/", views.assessment_compute, name="compute"),
    path("<int:pk>/score/", views.assessment_score, name="score"),
    path("<int:pk>/veto/", views.assessment_veto, name="veto"),
    path("<int:pk>/lift-veto/", views.assessment_lift_veto, name="lift-veto"),
]
