"""Monthly reports and official documents carry a version; the monthly report's events take the
shared event model's fields (existing rows keep theirs; `updated_at` starts as `created_at`);
notifications move to the notifications app, which copied them first."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def stamp_events(apps, schema_editor):
    apps.get_model("reports", "MonthlyReportEvent").objects.update(updated_at=F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0003_reminder_kind_work_plan'),
        ('notifications', '0002_copy_reports_notifications'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='monthlyreport',
            name='version',
            field=models.PositiveIntegerField(default=1, verbose_name='version'),
        ),
        migrations.AddField(
            model_name='monthlyreportevent',
            name='data',
            field=models.JSONField(blank=True, default=dict, verbose_name='details'),
        ),
        migrations.AddField(
            model_name='monthlyreportevent',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='updated at'),
        ),
        migrations.RunPython(stamp_events, migrations.RunPython.noop),
        migrations.AddField(
            model_name='officialreport',
            name='version',
            field=models.PositiveIntegerField(default=1, verbose_name='version'),
        ),
        migrations.AlterField(
            model_name='monthlyreportevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AlterField(
            model_name='monthlyreportevent',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created at'),
        ),
        migrations.AlterField(
            model_name='monthlyreportevent',
            name='from_status',
            field=models.CharField(blank=True, max_length=25, verbose_name='from status'),
        ),
        migrations.AlterField(
            model_name='monthlyreportevent',
            name='kind',
            field=models.CharField(choices=[('compiled', 'Compiled'), ('submitted', 'Submitted'), ('returned', 'Returned'), ('accepted', 'Accepted')], max_length=25, verbose_name='step'),
        ),
        migrations.AlterField(
            model_name='monthlyreportevent',
            name='to_status',
            field=models.CharField(blank=True, max_length=25, verbose_name='to status'),
        ),
        migrations.DeleteModel(
            name='Notification',
        ),
        migrations.DeleteModel(
            name='ReminderLog',
        ),
    ]
