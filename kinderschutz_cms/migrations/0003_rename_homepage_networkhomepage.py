from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("kinderschutz_cms", "0002_homepage_links"),
    ]

    operations = [
        migrations.RenameModel(old_name="HomePage", new_name="NetworkHomePage"),
    ]
