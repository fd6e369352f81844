from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("monthly/", views.MonthlyListView.as_view(), name="monthly_list"),
    path("monthly/export/", views.monthly_export, name="monthly_export"),
    path("monthly/start/", views.monthly_start, name="monthly_start"),
    path("monthly/<int:pk>/", views.MonthlyDetailView.as_view(), name="monthly_detail"),
    path("monthly/<int:pk>/compile/", views.monthly_compile, name="monthly_compile"),
    path("monthly/<int:pk>/submit/", views.monthly_submit, name="monthly_submit"),
    path("monthly/<int:pk>/return/", views.monthly_return, name="monthly_return"),
    path("monthly/<int:pk>/accept/", views.monthly_accept, name="monthly_accept"),
    path("compliance/", views.compliance_board, name="compliance"),
    path("compliance/remind/", views.compliance_remind, name="compliance_remind"),
    path("official/", views.OfficialListView.as_view(), name="official_list"),
    path("official/generate/", views.official_generate, name="official_generate"),
    path("official/<int:pk>/", views.OfficialDetailView.as_view(), name="official_detail"),
    path("official/<int:pk>/edit/", views.official_edit, name="official_edit"),
    path("official/<int:pk>/issue/", views.official_issue, name="official_issue"),
    path("official/<int:pk>/<str:fmt>/", views.official_download, name="official_download"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
]
