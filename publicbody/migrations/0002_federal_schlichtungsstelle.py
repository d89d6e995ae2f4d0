"""Ship the federal Schlichtungsstelle (§ 16 BGG) as the default enforcement body."""

from django.db import migrations

NAME = (
    "Schlichtungsstelle nach dem Behindertengleichstellungsgesetz bei dem Beauftragten der "
    "Bundesregierung für die Belange von Menschen mit Behinderungen"
)


def add_default(apps, schema_editor):
    EnforcementBody = apps.get_model("publicbody", "EnforcementBody")
    if not EnforcementBody.objects.filter(is_default=True).exists():
        EnforcementBody.objects.create(
            name=NAME,
            address="Mauerstraße 53\n10117 Berlin",
            email="info@schlichtungsstelle-bgg.de",
            url="https://www.schlichtungsstelle-bgg.de/",
            is_default=True,
        )


def remove_default(apps, schema_editor):
    apps.get_model("publicbody", "EnforcementBody").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("publicbody", "0001_initial")]

    operations = [migrations.RunPython(add_default, remove_default)]
