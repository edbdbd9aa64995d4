"""Private response links: store each token's SHA-256 instead of the token, so links already sent
keep working (the link's token hashes to the stored value) and a leaked database reveals none."""

from django.db import migrations, models

import apps.core.tokens
from apps.core.tokens import hash_token


def hash_existing(apps, schema_editor):
    Response = apps.get_model("consultations", "Response")
    rows = list(Response.objects.only("pk", "token"))
    for row in rows:
        row.token_hash = hash_token(row.token)
    Response.objects.bulk_update(rows, ["token_hash"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0003_campaigns_and_embeddings")]

    operations = [
        migrations.AddField(
            model_name="response",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(hash_existing, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="response", name="token"),
        migrations.AlterField(
            model_name="response",
            name="token_hash",
            field=models.CharField(
                default=apps.core.tokens.new_token_hash, editable=False, max_length=64, unique=True
            ),
        ),
    ]
