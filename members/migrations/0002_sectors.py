"""Preload the sectors (Bereiche) of a typical Netzwerk Kinderschutz; editable afterwards."""

from django.db import migrations

SECTORS = [
    ("kinder-und-jugendhilfe", "Kinder- und Jugendhilfe/Jugendamt"),
    ("kindertagesbetreuung", "Kindertagesbetreuung"),
    ("schule", "Schule"),
    ("gesundheitswesen", "Gesundheitswesen"),
    ("polizei-und-ordnungsbehoerden", "Polizei und Ordnungsbehörden"),
    ("justiz-familiengericht", "Justiz/Familiengericht"),
    ("beratungsstellen", "Beratungsstellen"),
    ("fruehe-hilfen", "Frühe Hilfen"),
    ("eingliederungshilfe", "Eingliederungshilfe"),
    ("religionsgemeinschaften", "Religionsgemeinschaften"),
    ("vereine-und-verbaende", "Vereine und Verbände"),
    ("sonstige", "Sonstige"),
]


def create_sectors(apps, schema_editor):
    Sector = apps.get_model("members", "Sector")
    for position, (slug, name) in enumerate(SECTORS, start=1):
        Sector.objects.update_or_create(
            slug=slug, defaults={"name": name, "sort_order": position * 10}
        )


def remove_sectors(apps, schema_editor):
    Sector = apps.get_model("members", "Sector")
    Sector.objects.filter(slug__in=[slug for slug, _name in SECTORS], members__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [migrations.RunPython(create_sectors, remove_sectors)]
