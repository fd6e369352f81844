"""Campaigns and work plans carry a version; their events take the shared event model's fields.
Existing events keep their rows; the states a step went from and to are filled in where the step
says them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

CAMPAIGN_STEPS = {"started": ("planned", "running"), "closed": ("running", "closed")}
PLAN_STEPS = {
    "submitted": ("", "submitted"),
    "accepted": ("submitted", "accepted"),
    "returned": ("submitted", "returned"),
}


def fill_states(apps, schema_editor):
    for model, steps in (("CampaignEvent", CAMPAIGN_STEPS), ("WorkPlanEvent", PLAN_STEPS)):
        events = apps.get_model("campaigns", model).objects
        for kind, (before, after) in steps.items():
            events.filter(kind=kind).update(from_status=before, to_status=after)


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0002_campaignevent_workplan_workplanevent_workplansection_and_more'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='campaign',
            name='version',
            field=models.PositiveIntegerField(default=1, verbose_name='version'),
        ),
        migrations.AddField(
            model_name='campaignevent',
            name='data',
            field=models.JSONField(blank=True, default=dict, verbose_name='details'),
        ),
        migrations.AddField(
            model_name='campaignevent',
            name='from_status',
            field=models.CharField(blank=True, max_length=25, verbose_name='from status'),
        ),
        migrations.AddField(
            model_name='campaignevent',
            name='to_status',
            field=models.CharField(blank=True, max_length=25, verbose_name='to status'),
        ),
        migrations.AddField(
            model_name='workplan',
            name='version',
            field=models.PositiveIntegerField(default=1, verbose_name='version'),
        ),
        migrations.AddField(
            model_name='workplanevent',
            name='data',
            field=models.JSONField(blank=True, default=dict, verbose_name='details'),
        ),
        migrations.AddField(
            model_name='workplanevent',
            name='from_status',
            field=models.CharField(blank=True, max_length=25, verbose_name='from status'),
        ),
        migrations.AddField(
            model_name='workplanevent',
            name='to_status',
            field=models.CharField(blank=True, max_length=25, verbose_name='to status'),
        ),
        migrations.AlterField(
            model_name='campaignevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AlterField(
            model_name='campaignevent',
            name='kind',
            field=models.CharField(choices=[('started', 'Campaign started'), ('closed', 'Campaign closed'), ('reminded', 'School reminded to file its work plan')], max_length=25, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='workplanevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AlterField(
            model_name='workplanevent',
            name='kind',
            field=models.CharField(choices=[('saved', 'Draft saved'), ('submitted', 'Submitted to the bureau'), ('returned', 'Returned for revision'), ('accepted', 'Accepted')], max_length=25, verbose_name='kind'),
        ),
        migrations.RunPython(fill_states, migrations.RunPython.noop),
    ]
