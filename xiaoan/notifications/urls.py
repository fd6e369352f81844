"""Included by `reports.urls` under notifications/, so the names stay `reports:notifications`,
`reports:notification_read` and `reports:notifications_read_all`."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.NotificationListView.as_view(), name="notifications"),
    path("<int:pk>/read/", views.notification_read, name="notification_read"),
    path("read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("badge/", views.notifications_badge, name="notifications_badge"),
]
