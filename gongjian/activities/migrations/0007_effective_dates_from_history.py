"""Until now every registration change was recorded when it happened: its recorded time is its time."""

from django.db import migrations
from django.db.models import F


def fill(apps, schema_editor):
    apps.get_model("activities", "RegistrationEvent").objects.update(recorded_at=F("at"))


class Migration(migrations.Migration):
    dependencies = [("activities", "0006_effective_dates")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
