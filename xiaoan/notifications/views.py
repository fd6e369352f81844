"""The user's notifications: the list, opening one (marks it read), marking all read, and the
unread badge of the navigation bar (polled by the page, so a new one shows without a reload).

The URLs are served under /reports/notifications/ with their old names (`reports:…`).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import generic
from django.views.decorators.http import require_GET, require_POST

from .models import Notification

LIST = "reports:notifications"


class NotificationListView(LoginRequiredMixin, generic.ListView):
    template_name = "notifications/notification_list.html"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Notification]:
        return Notification.objects.for_user(self.request.user)


@require_POST
@login_required
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect(notification.link or LIST)


@require_POST
@login_required
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    Notification.objects.for_user(request.user).unread().update(read_at=timezone.now())
    return redirect(LIST)


@require_GET
@login_required
def notifications_badge(request: HttpRequest) -> HttpResponse:
    """The unread count as the navigation bar shows it (one query), for htmx to swap in."""
    return render(request, "notifications/_badge.html")
