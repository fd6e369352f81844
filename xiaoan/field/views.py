"""The field pages' shell: the service worker, the web-app manifest, the page shown offline
when a page was never kept, and today's work (the page an inspector or the school's staff opens
before going where there is no signal: every page it links to is kept on the device).
"""

from __future__ import annotations

import hashlib
import json

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import today as work

# What the worker keeps when it is installed: every file the field pages need.
STATIC_FILES = (
    "vendor/bootstrap-5.3.9/bootstrap.min.css",
    "vendor/bootstrap-5.3.9/bootstrap.bundle.min.js",
    "vendor/htmx-2.0.10/htmx.min.js",
    "css/xiaoan.css",
    "js/confirm.js",
    "field/field.js",
    "field/icon-192.png",
)


def _static_version() -> str:
    """Changes whenever one of the kept files changes, so the worker replaces its copies."""
    digest = hashlib.sha256()
    for name in STATIC_FILES:
        digest.update(static(name).encode())
        found = finders.find(name)
        if isinstance(found, str):
            with open(found, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:16]


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    context = {
        "version": _static_version(),
        "precache": json.dumps([static(n) for n in STATIC_FILES] + [reverse("field:offline")]),
        "static_url": json.dumps(static("")),
        "offline_url": json.dumps(reverse("field:offline")),
        "form_pages": json.dumps(work.offline_forms()),
    }
    response = render(request, "field/sw.js", context, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": _("Xiao'an school safety"),
        "short_name": _("Xiao'an"),
        "description": _("Inspections, hazards and patrols, with or without a network."),
        "start_url": reverse("field:today"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0d6efd",
        "lang": request.LANGUAGE_CODE,
        "icons": [
            {"src": static("field/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("field/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    body = json.dumps(data, ensure_ascii=False)
    return HttpResponse(body, content_type="application/manifest+json; charset=utf-8")


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "field/offline.html")


@login_required
@require_GET
def today(request: HttpRequest) -> HttpResponse:
    context = {
        "inspections": work.open_inspections(request.user),
        "points": work.patrol_points(request.user),
        "food_logs": work.food_logs(request.user),
        "can_report": work.may_report_hazards(request.user),
    }
    return render(request, "field/today.html", context)
