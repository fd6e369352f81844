from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("", views.InspectionListView.as_view(), name="list"),
    path("export.xlsx", views.inspection_export, name="export"),
    path("new/", views.inspection_start, name="start"),
    path("checklists/", views.checklist_list, name="checklists"),
    path("checklists/<int:pk>/revise/", views.checklist_revise, name="checklist_revise"),
    path("schedules/", views.schedule_list, name="schedules"),
    path("schedules/new/", views.schedule_create, name="schedule_create"),
    path("schedules/<int:pk>/", views.schedule_detail, name="schedule"),
    path("schedules/<int:pk>/edit/", views.schedule_edit, name="schedule_edit"),
    path("schedules/<int:pk>/cancel/", views.schedule_cancel, name="schedule_cancel"),
    path("schedules/<int:pk>/reinstate/", views.schedule_reinstate, name="schedule_reinstate"),
    path("schedules/<int:pk>/export.xlsx", views.schedule_export, name="schedule_export"),
    path("school/<int:school_pk>/", views.school_history, name="school_history"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/submit/", views.inspection_submit, name="submit"),
    path("<int:pk>/print/", views.inspection_print, name="print"),
    path("<int:pk>/record.docx", views.inspection_docx, name="docx"),
    path("<int:pk>/answers/<int:answer_pk>/", views.answer_item, name="answer"),
    path("<int:pk>/answers/<int:answer_pk>/hazard/", views.raise_hazard, name="raise_hazard"),
    path("<int:pk>/answers/<int:answer_pk>/photo/", views.answer_photo, name="photo"),
]
