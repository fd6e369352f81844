"""An inspection's bureau sections and partner departments are chosen from the district's
organisations (retired ones are not offered); typed names of the past are linked where they
match."""

from __future__ import annotations

import datetime
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from xiaoan.inspections.models import Inspection
from xiaoan.schools.models import BureauSection, Department

pytestmark = pytest.mark.django_db
migration = import_module("xiaoan.inspections.migrations.0007_taking_part_from_typed_names")


@pytest.fixture
def sections(bureau):
    return {
        name: BureauSection.objects.create(bureau=bureau, name=name)
        for name in ("基础教育科", "人事科", "装备科")
    }


def test_the_start_page_offers_sections_in_use_only(as_user, bureau_admin, sections):
    sections["装备科"].retire(bureau_admin)
    form = as_user(bureau_admin).get(reverse("inspections:start")).context["form"]
    assert set(form.fields["sections"].queryset) == {sections["基础教育科"], sections["人事科"]}


def test_an_inspection_records_its_sections(
    as_user, bureau_admin, school_a, sections, fire_area, fire_department
):
    response = as_user(bureau_admin).post(
        reverse("inspections:start"),
        {
            "school": school_a.pk,
            "kind": "joint",
            "date": "2014-08-12",
            "areas": [fire_area.pk],
            "sections": [sections["人事科"].pk],
            "departments": [fire_department.pk],
        },
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert list(inspection.sections.all()) == [sections["人事科"]]
    assert inspection.taking_part() == "人事科、清溪区消防大队"
    page = as_user(bureau_admin).get(inspection.get_absolute_url()).content.decode()
    assert "人事科、清溪区消防大队" in page


def test_typed_names_are_linked_where_they_match(
    bureau, bureau_admin, school_a, sections, fire_area
):
    security = Department.objects.create(
        bureau=bureau, name="清溪公安分局治安大队", kind="public_security"
    )
    inspection = Inspection.objects.start(
        bureau_admin,
        school=school_a,
        kind="joint",
        date=datetime.date(2014, 8, 12),
        areas=[fire_area],
        inspector_names="基教科 周科长、人事科 吴科长、装备科 郑科长、治安大队 孙警官",
    )
    migration.link_typed_names(apps, None)
    assert set(inspection.sections.all()) == {sections["人事科"], sections["装备科"]}  # 基教科: no
    assert list(inspection.departments.all()) == [security]
    assert inspection.inspector_names.startswith("基教科 周科长")  # the typed text is kept
