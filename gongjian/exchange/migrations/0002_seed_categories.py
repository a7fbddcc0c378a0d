"""Seed the default taxonomy; alliance admins edit it afterwards."""

import uuid

from django.db import migrations

CATEGORIES = ["人才就业", "技术攻关", "设计规划", "文化宣传", "志愿服务", "教育培训", "场地设施", "政策咨询", "为老服务", "社区治理"]


def seed(apps, schema_editor):
    Category = apps.get_model("exchange", "Category")
    for order, name in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(name=name, defaults={"order": order * 10, "is_active": True, "uuid": uuid.uuid4()})


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_needs_resources_claims")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
