"""The sections and departments that took part, as far as the typed names of inspectors say.

Inspections recorded before sections could be chosen named them in "other inspectors"
(`基教科 周科长、人事科 吴科长、治安大队 孙警官`). Each name before a space is looked up among the
district's sections and departments: the same name, or an organisation whose name ends with it
(`治安大队` → `清溪公安分局治安大队`) when only one does. The typed text is kept as it was.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import migrations


def _names(text: str) -> list[str]:
    parts = re.split(r"[、,，;；]", text or "")
    return [p.strip().split()[0] for p in parts if p.strip()]


def _match(name: str, organisations: list[Any]) -> Any:
    exact = [o for o in organisations if o.name == name]
    if exact:
        return exact[0]
    ending = [o for o in organisations if o.name.endswith(name)]
    return ending[0] if len(ending) == 1 else None


def link_typed_names(apps: Any, schema_editor: Any) -> None:
    Inspection = apps.get_model("inspections", "Inspection")
    BureauSection = apps.get_model("schools", "BureauSection")
    Department = apps.get_model("schools", "Department")
    sections: dict[int, list[Any]] = {}
    departments: dict[int, list[Any]] = {}
    for section in BureauSection.objects.all():
        sections.setdefault(section.bureau_id, []).append(section)
    for department in Department.objects.all():
        departments.setdefault(department.bureau_id, []).append(department)
    typed = Inspection.objects.exclude(inspector_names="").select_related("school")
    for inspection in typed.iterator():
        bureau = inspection.school.bureau_id
        for name in _names(inspection.inspector_names):
            section = _match(name, sections.get(bureau, []))
            if section is not None:
                inspection.sections.add(section)
                continue
            department = _match(name, departments.get(bureau, []))
            if department is not None:
                inspection.departments.add(department)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0006_inspection_sections")]

    operations = [migrations.RunPython(link_typed_names, migrations.RunPython.noop)]
