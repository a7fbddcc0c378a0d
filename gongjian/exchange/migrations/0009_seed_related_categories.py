"""Link the seeded categories that often meet each other's needs; alliance admins change the links afterwards."""

from django.db import migrations

RELATED = [
    ("为老服务", "志愿服务"),
    ("人才就业", "教育培训"),
    ("设计规划", "社区治理"),
    ("技术攻关", "设计规划"),
    ("文化宣传", "场地设施"),
    ("政策咨询", "社区治理"),
]


def link(apps, schema_editor):
    Category = apps.get_model("exchange", "Category")
    by_name = {category.name: category for category in Category.objects.filter(name__in={name for pair in RELATED for name in pair})}
    for a, b in RELATED:
        if a in by_name and b in by_name:
            # Historical models do not know the field is symmetrical: add both directions.
            by_name[a].related.add(by_name[b])
            by_name[b].related.add(by_name[a])


class Migration(migrations.Migration):
    dependencies = [("exchange", "0008_matching_direction_areas_synonyms")]

    operations = [migrations.RunPython(link, migrations.RunPython.noop)]
