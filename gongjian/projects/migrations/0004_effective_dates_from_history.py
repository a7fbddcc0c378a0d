"""Until now every project and task step was recorded when it happened: its recorded time is its time."""

from django.db import migrations
from django.db.models import F


def fill(apps, schema_editor):
    for name in ("ProjectEvent", "TaskEvent"):
        apps.get_model("projects", name).objects.update(recorded_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_effective_dates")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
