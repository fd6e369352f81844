"""Included by `reports.urls` under notifications/, so the names stay `reports:notifications`,
`reports:notification_read`, `reports:notifications_read_all`, and the rest `reports:…`."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.NotificationListView.as_view(), name="notifications"),
    path("<int:pk>/read/", views.notification_read, name="notification_read"),
    path("read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("badge/", views.notifications_badge, name="notifications_badge"),
    path("preferences/", views.preferences, name="notification_preferences"),
    path("robots/", views.webhook_list, name="webhooks"),
    path("robots/new/", views.webhook_create, name="webhook_create"),
    path("robots/<int:pk>/", views.webhook_edit, name="webhook_edit"),
    path("failed/", views.failed_deliveries, name="failed_deliveries"),
    path("failed/retry/", views.delivery_retry, name="delivery_retry"),
]
