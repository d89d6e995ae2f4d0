"""The "Koordination" group: may see and manage registrations (personal data) and the
outbox. Editors without it see counts only."""

from django.db import migrations

PERMISSIONS = [
    ("events", "registration", ["view", "change", "delete"]),
    ("events", "emailmessage", ["view"]),
]


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Koordination")
    for app_label, model, actions in PERMISSIONS:
        for action in actions:
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=f"{action}_{model}"
            ).first()
            if perm:
                group.permissions.add(perm)
    admin_access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    if admin_access:
        group.permissions.add(admin_access)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Koordination").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_registrations"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
