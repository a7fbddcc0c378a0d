"""Fill the new effective-date fields of rows entered before they existed."""

from django.db import migrations
from django.db.models import F
from django.utils import timezone


def fill(apps, schema_editor):
    Agreement = apps.get_model("agreements", "Agreement")
    AgreementEvent = apps.get_model("agreements", "AgreementEvent")
    # Negotiation began no later than the first of the agreement's own dates.
    for agreement in Agreement.objects.only("pk", "created_at", "signed_on", "published_at").iterator():
        days = [timezone.localdate(agreement.created_at), agreement.signed_on]
        if agreement.published_at:
            days.append(timezone.localdate(agreement.published_at))
        Agreement.objects.filter(pk=agreement.pk).update(drafted_on=min(day for day in days if day))
    # Until now every event was recorded when it happened.
    AgreementEvent.objects.update(recorded_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("agreements", "0002_effective_dates")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
