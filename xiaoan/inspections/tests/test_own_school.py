"""A school's user records inspections for its own school only: another school named in the
request is refused at the field, never filed at the user's school without a word."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xiaoan.inspections.models import Inspection

pytestmark = pytest.mark.django_db


def test_a_self_inspection_of_another_school_is_refused_at_the_field(
    as_user, alice, school_a, school_b, fire_area
):
    data = {"school": school_b.pk, "kind": "self", "date": "2014-09-01", "areas": [fire_area.pk]}
    response = as_user(alice).post(reverse("inspections:start"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["school"] == ["只能为本校登记。"]
    assert not Inspection.objects.exists()


def test_a_self_inspection_without_a_school_is_the_users_own(as_user, alice, school_a, fire_area):
    data = {"kind": "self", "date": "2014-09-01", "areas": [fire_area.pk]}
    response = as_user(alice).post(reverse("inspections:start"), data)
    assert response.status_code == 302
    assert Inspection.objects.get().school == school_a
