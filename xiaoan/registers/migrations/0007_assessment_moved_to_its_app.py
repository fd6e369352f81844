"""The assessment now belongs to the `assessments` app (its tables and rows are untouched)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registers", "0006_constraint_messages"),
        ("assessments", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AssessmentEvent"),
                migrations.DeleteModel(name="Assessment"),
            ]
        )
    ]
