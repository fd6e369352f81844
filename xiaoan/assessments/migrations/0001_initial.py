"""The assessment moves from the registers into its own app: the tables stay as they are
(`registers_assessment`, `registers_assessmentevent`, with their rows); only Django's idea of
which app owns them changes, and their content types follow (so the change log and the admin's
history keep pointing at them).
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ["assessment", "assessmentevent"]


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="registers", model__in=MODELS).update(
        app_label="assessments"
    )


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="assessments", model__in=MODELS).update(
        app_label="registers"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('registers', '0006_constraint_messages'),
        ('schools', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(move_content_types, move_content_types_back),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Assessment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                        ('inspections_score', models.DecimalField(blank=True, decimal_places=1, max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='inspections held')),
                        ('hazards_score', models.DecimalField(blank=True, decimal_places=1, max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='hazards closed on time')),
                        ('monthly_score', models.DecimalField(blank=True, decimal_places=1, max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='monthly reports on time')),
                        ('registers_score', models.DecimalField(blank=True, decimal_places=1, max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='registers kept')),
                        ('incidents_score', models.DecimalField(blank=True, decimal_places=1, max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='incidents')),
                        ('computed_items', models.JSONField(blank=True, default=list, verbose_name='items computed from the data')),
                        ('total', models.DecimalField(blank=True, decimal_places=1, max_digits=5, null=True, verbose_name='total score')),
                        ('vetoed', models.BooleanField(default=False, verbose_name='one-vote veto')),
                        ('veto_reason', models.TextField(blank=True, verbose_name='reason for the veto')),
                        ('vetoed_at', models.DateTimeField(blank=True, null=True, verbose_name='vetoed at')),
                        ('result', models.CharField(blank=True, choices=[('excellent', 'Excellent'), ('pass', 'Pass'), ('fail', 'Fail')], max_length=10, verbose_name='assessment result')),
                        ('school', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assessments', to='schools.school', verbose_name='school')),
                        ('vetoed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='vetoed by')),
                    ],
                    options={
                        'verbose_name': 'annual safety assessment',
                        'verbose_name_plural': 'annual safety assessments',
                        'ordering': ['-year', 'school'],
                        'indexes': [],
                        'constraints': [models.UniqueConstraint(fields=('school', 'year'), name='assessment_unique_year'), models.CheckConstraint(condition=models.Q(('vetoed', False), ('result', 'fail'), _connector='OR'), name='assessment_veto_means_fail'), models.CheckConstraint(condition=models.Q(('vetoed', False), models.Q(('veto_reason', ''), _negated=True), _connector='OR'), name='assessment_veto_has_reason')],
                        'db_table': 'registers_assessment',
                    },
                ),
                migrations.CreateModel(
                    name='AssessmentEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('computed', 'Computed from the data'), ('scored', 'Scored by the bureau'), ('vetoed', 'One-vote veto applied'), ('veto_lifted', 'Veto lifted')], max_length=12, verbose_name='step')),
                        ('comment', models.TextField(blank=True, verbose_name='comment')),
                        ('data', models.JSONField(blank=True, default=dict, verbose_name='data')),
                        ('total', models.DecimalField(blank=True, decimal_places=1, max_digits=5, null=True, verbose_name='total score')),
                        ('result', models.CharField(blank=True, max_length=10, verbose_name='assessment result')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='time')),
                        ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                        ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='assessments.assessment', verbose_name='assessment')),
                    ],
                    options={
                        'verbose_name': 'assessment event',
                        'verbose_name_plural': 'assessment events',
                        'ordering': ['created_at', 'id'],
                        'indexes': [],
                        'constraints': [],
                        'db_table': 'registers_assessmentevent',
                    },
                ),
            ],
        ),
    ]
