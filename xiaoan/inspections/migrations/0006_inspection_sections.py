# The bureau sections that take part in an inspection, chosen from the district's.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0005_versions_and_workflow_events'),
        ('schools', '0003_organisations_retire'),
    ]

    operations = [
        migrations.AddField(
            model_name='inspection',
            name='sections',
            field=models.ManyToManyField(blank=True, related_name='inspections', to='schools.bureausection', verbose_name='bureau sections taking part'),
        ),
    ]
