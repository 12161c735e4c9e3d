"""Brands listed in alphabetical order, accents, ligatures and case ignored: `sort_name`
(`core.sorting.sort_key` of the name) orders them, as `sort_title` orders products (0009)."""

from django.db import migrations

import comptoir.core.sorting
from comptoir.core.sorting import fill_sort_keys


def fill(apps, schema_editor):
    fill_sort_keys(apps, schema_editor, "catalog.Brand", "name", "sort_name")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0009_product_sort_title")]

    operations = [
        migrations.AlterModelOptions(name="brand", options={"ordering": ["sort_name", "id"]}),
        migrations.AddField(
            model_name="brand",
            name="sort_name",
            field=comptoir.core.sorting.SortKeyField(
                default="", editable=False, max_length=255, source="name"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
