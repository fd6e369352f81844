from django.urls import include, path

from . import views

app_name = "reports"

urlpatterns = [
    path("monthly/", views.MonthlyListView.as_view(), name="monthly_list"),
    path("monthly/export/", views.monthly_export, name="monthly_export"),
    path("monthly/start/", views.monthly_start, name="monthly_start"),
    path("monthly/<int:pk>/", views.monthly_detail, name="monthly_detail"),
    path("monthly/<int:pk>/compile/", views.monthly_compile, name="monthly_compile"),
    path("monthly/<int:pk>/submit/", views.monthly_submit, name="monthly_submit"),
    path("monthly/<int:pk>/return/", views.monthly_return, name="monthly_return"),
    path("monthly/<int:pk>/accept/", views.monthly_accept, name="monthly_accept"),
    path("compliance/", views.compliance_board, name="compliance"),
    path("compliance/remind/", views.compliance_remind, name="compliance_remind"),
    path("official/", views.OfficialListView.as_view(), name="official_list"),
    path("official/generate/", views.official_generate, name="official_generate"),
    path("official/<int:pk>/", views.official_detail, name="official_detail"),
    path("official/<int:pk>/edit/", views.official_edit, name="official_edit"),
    path("official/<int:pk>/preview/", views.official_preview, name="official_preview"),
    path("official/<int:pk>/issue/", views.official_issue, name="official_issue"),
    path(
        "official/<int:pk>/lists/<int:number>/",
        views.official_list_file,
        name="official_list_file",
    ),
    path("official/<int:pk>/<str:fmt>/", views.official_download, name="official_download"),
    path("documents/", views.document_list, name="document_list"),
    path("documents/issue/", views.document_issue, name="document_issue"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("documents/<int:pk>/sign/", views.document_sign, name="document_sign"),
    path("documents/<int:pk>/receipts.xlsx", views.document_export, name="document_export"),
    path("documents/<int:pk>/file/", views.document_file, name="document_file"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("notifications/", include("xiaoan.notifications.urls")),
]
