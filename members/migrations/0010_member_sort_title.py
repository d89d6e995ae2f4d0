"""The stored German sort key of a member's title (issue #19: the admin's member listing
reads a page of 20 rows from an index instead of sorting all members first); the existing
members' keys are filled here, by the same rule the field computes on every save."""

from django.db import migrations, models

import members.models

BATCH = 500


def fill_sort_titles(apps, schema_editor):
    from kinderschutz_cms.collation import german_sort_key

    MemberPage = apps.get_model("members", "MemberPage")
    max_length = MemberPage._meta.get_field("sort_title").max_length
    members = []
    for pk, title in MemberPage.objects.order_by("pk").values_list("pk", "title").iterator():
        members.append(MemberPage(pk=pk, sort_title=german_sort_key(title)[:max_length]))
        if len(members) == BATCH:
            MemberPage.objects.bulk_update(members, ["sort_title"])
            members = []
    MemberPage.objects.bulk_update(members, ["sort_title"])


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0009_signatory_signed_on_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="memberpage",
            name="sort_title",
            field=members.models.GermanSortKeyField(source="title"),
        ),
        migrations.RunPython(fill_sort_titles, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="memberpage",
            index=models.Index(
                fields=["sort_title", "page_ptr"], name="members_member_sort_title_idx"
            ),
        ),
    ]
