from django.urls import path

from . import views

app_name = "hazards"

urlpatterns = [
    path("", views.HazardListView.as_view(), name="list"),
    path("new/", views.hazard_report, name="report"),
    path("export.xlsx", views.hazard_export, name="export"),
    path("import/", views.ledger_import, name="import"),
    path("import/preview/", views.ledger_import_preview, name="import_preview"),
    path("import/template.xlsx", views.ledger_import_template, name="import_template"),
    path("board/", views.board, name="board"),
    path("areas/", views.AreaListView.as_view(), name="areas"),
    path("areas/<int:pk>/edit/", views.AreaUpdateView.as_view(), name="area_edit"),
    path("school/<int:school_pk>/", views.school_ledger, name="school"),
    path("photos/<int:pk>/", views.photo_image, name="photo"),
    path("photos/<int:pk>/thumbnail/", views.photo_thumbnail, name="thumbnail"),
    path("<int:pk>/", views.HazardDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.hazard_edit, name="edit"),
    path("<int:pk>/assign/", views.hazard_assign, name="assign"),
    path("<int:pk>/start/", views.hazard_start, name="start"),
    path("<int:pk>/submit/", views.hazard_submit, name="submit"),
    path("<int:pk>/verify/", views.hazard_verify, name="verify"),
    path("<int:pk>/reject/", views.hazard_reject, name="reject"),
    path("<int:pk>/extend/", views.hazard_extend, name="extend"),
    path("<int:pk>/extension/", views.hazard_decide_extension, name="decide_extension"),
    path("<int:pk>/supervise/", views.hazard_supervise, name="supervise"),
    path("<int:pk>/lift/", views.hazard_lift, name="lift"),
    path("<int:pk>/photos/", views.hazard_add_photos, name="add_photos"),
]
