# Sections and departments are retired (kept, no longer offered), never deleted.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('schools', '0002_versions'),
    ]

    operations = [
        migrations.AddField(
            model_name='bureausection',
            name='is_active',
            field=models.BooleanField(default=True, verbose_name='in use'),
        ),
        migrations.AddField(
            model_name='department',
            name='is_active',
            field=models.BooleanField(default=True, verbose_name='in use'),
        ),
    ]
