"""The "Koordination" group may manage external calendars (hand-written data migration).

Approving a member's calendar is the coordination's decision; the admin limits each user
to the sources of the sites whose home page they may edit (`events.external_admin`)."""

from django.db import migrations

ACTIONS = ["add", "change", "delete", "view"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    group = apps.get_model("auth", "Group").objects.filter(name="Koordination").first()
    if group is None:
        return
    Permission = apps.get_model("auth", "Permission")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="events",
            codename__in=[f"{action}_externalcalendar" for action in ACTIONS],
        )
    )


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name="Koordination").first()
    if group is not None:
        group.permissions.remove(*group.permissions.filter(codename__endswith="_externalcalendar"))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_external_calendars"),
        ("registrations", "0002_coordination_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
