"""The "Koordination" group may list, add, correct and delete signatures (hand-written data
migration): the admin's "Unterzeichnungen" (`members.admin_signatures`) asks for the model
permissions of `Signatory`; which signatures a coordinator sees is still decided by the
page permissions (`members.reports.permitted_pages`)."""

from django.db import migrations

ACTIONS = ["view", "add", "change", "delete"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    members = apps.get_app_config("members")
    members.models_module = True
    create_permissions(members, verbosity=0)
    members.models_module = None
    group = apps.get_model("auth", "Group").objects.filter(name="Koordination").first()
    if group is None:
        return
    permissions = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="members",
        codename__in=[f"{action}_signatory" for action in ACTIONS],
    )
    group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name="Koordination").first()
    if group is None:
        return
    permissions = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="members",
        codename__in=[f"{action}_signatory" for action in ACTIONS],
    )
    group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_signatory_own_model"),
        ("registrations", "0002_coordination_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
