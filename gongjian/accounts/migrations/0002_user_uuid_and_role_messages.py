# Schema, then data, then constraint: existing accounts each get their own UUID.

import uuid

import django.db.models.functions.text
from django.db import migrations, models


def fill_uuids(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for pk in User.objects.filter(uuid__isnull=True).values_list("pk", flat=True):
        User.objects.filter(pk=pk).update(uuid=uuid.uuid4())


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="uuid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_uuids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterConstraint(
            model_name="user",
            name="accounts_user_username_ci_unique",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message="A user with that login name already exists.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="user",
            name="accounts_user_separated_roles",
            constraint=models.CheckConstraint(
                condition=models.Q(("admin_role", ""), ("is_alliance_admin", False), _connector="OR"),
                name="accounts_user_separated_roles",
                violation_error_message="An administrator (system, security or audit) cannot also be an alliance admin: the three roles are kept apart (三员分立).",
            ),
        ),
    ]
