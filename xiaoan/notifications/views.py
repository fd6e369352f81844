"""The user's notifications: the list, opening one (marks it read), marking all read; each
user's preferences; the bureau's group robots and the deliveries that failed.

The URLs are served under /reports/notifications/ with their old names (`reports:…`).
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import generic
from django.views.decorators.http import require_GET, require_POST

from xiaoan.accounts.access import member, require_role
from xiaoan.accounts.choices import Role

from .choices import DeliveryStatus
from .forms import PreferencesForm, WebhookForm
from .models import Delivery, Notification, Webhook
from .tasks import enqueue

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


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Every user: at once, in the daily digest, or not at all, per kind of event."""
    form = PreferencesForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("reports:notification_preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@login_required
def webhook_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.BUREAU_ADMIN)
    robots = Webhook.objects.for_user(request.user).select_related("school", "department")
    return render(request, "notifications/webhook_list.html", {"robots": robots})


@login_required
def webhook_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.BUREAU_ADMIN)
    return _webhook_form(request, Webhook())


@login_required
def webhook_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, Role.BUREAU_ADMIN)
    return _webhook_form(request, get_object_or_404(Webhook.objects.for_user(request.user), pk=pk))


def _webhook_form(request: HttpRequest, robot: Webhook) -> HttpResponse:
    bureau_id = member(request.user).bureau_id
    form = WebhookForm(request.POST or None, instance=robot, bureau_id=bureau_id)
    if request.method == "POST" and form.is_valid() and form.save_or_error():
        messages.success(request, _("Group robot saved."))
        return redirect("reports:webhooks")
    return render(request, "notifications/webhook_form.html", {"form": form, "robot": robot})


@login_required
def failed_deliveries(request: HttpRequest) -> HttpResponse:
    """What could not be sent after every retry, newest first, for the bureau to act on."""
    require_role(request.user, Role.BUREAU_ADMIN)
    failed = (
        Delivery.objects.for_user(request.user)
        .filter(status=DeliveryStatus.FAILED)
        .select_related("notification", "recipient", "webhook")
        .order_by("-updated_at", "-id")
    )
    page = Paginator(failed, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/failed_deliveries.html",
        {"page_obj": page, "object_list": page.object_list, "is_paginated": page.has_other_pages()},
    )


@require_POST
@login_required
def delivery_retry(request: HttpRequest) -> HttpResponse:
    """Send the chosen failed deliveries again (after a robot's address was corrected)."""
    require_role(request.user, Role.BUREAU_ADMIN)
    chosen = [int(pk) for pk in request.POST.getlist("delivery") if pk.isdigit()]
    failed = Delivery.objects.for_user(request.user).filter(
        pk__in=chosen, status=DeliveryStatus.FAILED
    )
    ids = list(failed.values_list("pk", flat=True))
    failed.update(status=DeliveryStatus.QUEUED, attempts=0, next_attempt_at=None)
    transaction.on_commit(partial(enqueue, ids), robust=True)
    messages.success(request, _("%(count)s deliveries queued again.") % {"count": len(ids)})
    return redirect("reports:failed_deliveries")
