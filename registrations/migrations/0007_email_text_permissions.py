"""The "Koordination" group may manage the e-mail texts (hand-written data migration,
like 0002): view, add, change and delete `EmailText`. A coordinator of one site gets a
group of their own with these permissions; the admin shows them their sites' texts only."""

from django.db import migrations

ACTIONS = ["view", "add", "change", "delete"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    group = apps.get_model("auth", "Group").objects.filter(name="Koordination").first()
    if group is None:
        return
    permissions = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="registrations",
        codename__in=[f"{action}_emailtext" for action in ACTIONS],
    )
    group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name="Koordination").first()
    if group is not None:
        group.permissions.remove(
            *apps.get_model("auth", "Permission").objects.filter(
                content_type__app_label="registrations", codename__endswith="_emailtext"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0006_email_texts"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
