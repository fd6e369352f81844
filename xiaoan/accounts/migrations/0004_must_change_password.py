# A temporary password (a reset, a new account) must be changed at the next login.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_two_factor'),
    ]

    operations = [
        migrations.AddField(
            model_name='membership',
            name='must_change_password',
            field=models.BooleanField(default=False, verbose_name='must change password'),
        ),
    ]
