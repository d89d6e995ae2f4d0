"""The "Koordination" group may publish (hand-written data migration).

Approving a member's self-service change in Wagtail's moderation workflow publishes the
member page, so the network-wide coordination group (registrations/0002: "change" on the
root page) also gets Wagtail's "publish" page permission on the root. A coordinator of one
site has a group of their own with page permissions on that site only.
"""

from django.db import migrations


def grant_publish(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name="Koordination").first()
    root = apps.get_model("wagtailcore", "Page").objects.filter(depth=1).first()
    publish = (
        apps.get_model("auth", "Permission")
        .objects.filter(content_type__app_label="wagtailcore", codename="publish_page")
        .first()
    )
    if group is not None and root is not None and publish is not None:
        apps.get_model("wagtailcore", "GroupPagePermission").objects.get_or_create(
            group=group, page=root, permission=publish
        )


def revoke_publish(apps, schema_editor):
    apps.get_model("wagtailcore", "GroupPagePermission").objects.filter(
        group__name="Koordination", page__depth=1, permission__codename="publish_page"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_self_service_concepts_checks"),
        ("registrations", "0002_coordination_group"),
    ]

    operations = [migrations.RunPython(grant_publish, revoke_publish)]
