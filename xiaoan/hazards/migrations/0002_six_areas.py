from django.db import migrations

AREAS = [
    ("vehicle", "学生接送车安全", "Student pick-up vehicle safety", 1),
    ("building", "校舍安全", "School building safety", 2),
    ("fire", "消防安全", "Fire safety", 3),
    ("food", "食品卫生安全", "Food hygiene safety", 4),
    ("lab", "实验室及危险化学品安全", "Laboratory and hazardous chemicals safety", 5),
    ("security", "校园安保及周边环境", "Campus security and surroundings", 6),
]


def seed_areas(apps, schema_editor):
    Area = apps.get_model("hazards", "Area")
    for code, zh, en, order in AREAS:
        Area.objects.update_or_create(code=code, defaults={"name_zh": zh, "name_en": en, "order": order})


class Migration(migrations.Migration):
    dependencies = [("hazards", "0001_initial")]
    operations = [migrations.RunPython(seed_areas, migrations.RunPython.noop)]
