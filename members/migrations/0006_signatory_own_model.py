"""Signatures become rows of their own (issue #19): `Signatory.page` was a ParentalKey (an
inline child of the agreement page, saved with its revisions), now a plain ForeignKey.

The table and its columns stay as they are, so every existing row keeps its id, fields and
`sort_order` (no data to copy). Revisions: the content of the agreement's older revisions
still lists the inline signatories of then; that key is ignored from now on (a revision
has no child relation "signatories" any more), so publishing or reverting to an old
revision neither deletes nor duplicates nor restores a signature. The history is left as
it was (no revision is rewritten).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_coordination_publishes"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="signatory",
            options={
                "ordering": ["sort_order", "pk"],
                "verbose_name": "Unterzeichnung",
                "verbose_name_plural": "Unterzeichnungen",
            },
        ),
        migrations.AlterField(
            model_name="signatory",
            name="page",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="signatories",
                to="members.agreementpage",
                verbose_name="Fassung der Vereinbarung",
            ),
        ),
    ]
