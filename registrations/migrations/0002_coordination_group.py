"""The "Koordination" group (hand-written data migration): may see and manage
registrations (personal data) and the outbox. Editors without it see counts only.

The admin shows a user the registrations of the events whose pages they may edit
(`registrations.admin.scope`); this network-wide group may edit the whole page tree
(Wagtail's "change" page permission on the root). A coordinator of one site gets a group
of their own with the same model permissions and page permissions on that site only."""

from django.db import migrations

PERMISSIONS = [
    ("registrations", "registration", ["view", "change", "delete"]),
    ("registrations", "emailmessage", ["view"]),
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
    root = apps.get_model("wagtailcore", "Page").objects.filter(depth=1).first()
    change_page = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename="change_page"
    ).first()
    if root is not None and change_page is not None:
        apps.get_model("wagtailcore", "GroupPagePermission").objects.get_or_create(
            group=group, page=root, permission=change_page
        )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Koordination").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0001_initial"),
        ("wagtailcore", "0089_log_entry_data_json_null_to_object"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
