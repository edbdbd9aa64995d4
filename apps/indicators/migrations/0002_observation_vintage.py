import datetime

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="observation",
            name="vintage",
            field=models.DateField(
                default=datetime.date(1900, 1, 1),
                help_text="Release date of the file this value was read from (a later vintage wins "
                "when two files give the same council, indicator, period and published date)",
            ),
            preserve_default=False,
        ),
    ]
