"""The database's copy of the direction and service-area rules (after the fields, as a step of its own)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("exchange", "0009_seed_related_categories")]

    operations = [
        migrations.AddConstraint(
            model_name="need",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("seeks__in", ["", "people", "space", "expertise", "funds", "services"]),
                    ("offers__in", ["", "people", "space", "expertise", "funds", "services"]),
                ),
                name="exchange_need_help_kinds_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="need",
            constraint=models.CheckConstraint(
                condition=models.Q(("seeks", ""), models.Q(("seeks", models.F("offers")), _negated=True), _connector="OR"),
                name="exchange_need_seeks_not_offers",
            ),
        ),
        migrations.AddConstraint(
            model_name="resource",
            constraint=models.CheckConstraint(
                condition=models.Q(("service_area__in", ["", "community", "street", "district", "city"])),
                name="exchange_resource_service_area_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="resource",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("seeks__in", ["", "people", "space", "expertise", "funds", "services"]),
                    ("offers__in", ["", "people", "space", "expertise", "funds", "services"]),
                ),
                name="exchange_resource_help_kinds_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="resource",
            constraint=models.CheckConstraint(
                condition=models.Q(("seeks", ""), models.Q(("seeks", models.F("offers")), _negated=True), _connector="OR"),
                name="exchange_resource_seeks_not_offers",
            ),
        ),
    ]
