from django.db import migrations, models


def fill_initials(apps, schema_editor):
    # Region.save() fills the initials from now on; the existing rows get theirs here.
    from gongjian.orgs.models import pinyin_keys

    Region = apps.get_model("orgs", "Region")
    regions = list(Region.objects.only("pk", "name"))
    for region in regions:
        region.pinyin_initials = pinyin_keys(region.name)[0]
    Region.objects.bulk_update(regions, ["pinyin_initials"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0005_capabilitytag_updated_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="region",
            name="pinyin_initials",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=100),
        ),
        migrations.RunPython(fill_initials, migrations.RunPython.noop),
    ]
