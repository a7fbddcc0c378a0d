"""Fill the new effective-date fields of rows entered before they existed: until now everything was recorded as it happened."""

from django.db import migrations
from django.db.models import F


def fill(apps, schema_editor):
    apps.get_model("exchange", "Claim").objects.update(claimed_at=F("created_at"))
    for name in ("ClaimEvent", "NeedEvent", "ResourceEvent"):
        apps.get_model("exchange", name).objects.update(recorded_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("exchange", "0004_effective_dates")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
