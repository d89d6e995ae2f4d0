"""Registrations, workshop bookings and e-mails are no longer in Wagtail's reference index
(`wagtail_reference_index_ignore`): remove the rows indexed before."""

from django.db import migrations

MODELS = ("registration", "workshopbooking", "emailmessage")


def drop_rows(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType").objects.filter(
        app_label="registrations", model__in=MODELS
    )
    apps.get_model("wagtailcore", "ReferenceIndex").objects.filter(
        base_content_type__in=content_types
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0003_attendance_per_date"),
        ("wagtailcore", "0089_log_entry_data_json_null_to_object"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(drop_rows, migrations.RunPython.noop)]
