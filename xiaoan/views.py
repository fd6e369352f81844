"""The home dashboard: what each role sees first after logging in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from xiaoan.accounts.access import role_of
from xiaoan.accounts.choices import Role
from xiaoan.schools.choices import SchoolKind
from xiaoan.schools.models import School


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    schools = School.objects.for_user(request.user).filter(is_active=True)
    counts = dict(schools.values_list("kind").annotate(n=Count("id")).order_by())
    context = {
        "school_count": schools.count(),
        "childcare_count": schools.childcare().count(),
        "primary_secondary_count": schools.primary_and_secondary().count(),
        "by_kind": [
            {"label": k.label, "n": counts[k.value]} for k in SchoolKind if k.value in counts
        ],
        "own_school": schools.first() if role_of(request.user) in Role.school_roles() else None,
    }
    return render(request, "home.html", context)
