"""Organizations listed in alphabetical order of their legal name, accents, ligatures and case
ignored ("Éditions …" among the E, not after "Z"): `sort_name` (`core.sorting.sort_key` of the
legal name) orders the lists and replaces `legal_name` in the (state, name) index."""

from django.db import migrations, models

import comptoir.core.sorting
from comptoir.core.sorting import fill_sort_keys


def fill(apps, schema_editor):
    fill_sort_keys(apps, schema_editor, "parties.Organization", "legal_name", "sort_name")


class Migration(migrations.Migration):
    dependencies = [("parties", "0005_choice_labels_translatable_2")]

    operations = [
        migrations.AlterModelOptions(
            name="organization", options={"ordering": ["sort_name", "id"]}
        ),
        migrations.RemoveIndex(model_name="organization", name="org_state_name_idx"),
        migrations.AddField(
            model_name="organization",
            name="sort_name",
            field=comptoir.core.sorting.SortKeyField(
                default="", editable=False, max_length=255, source="legal_name"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(fields=["state", "sort_name"], name="org_state_name_idx"),
        ),
    ]
