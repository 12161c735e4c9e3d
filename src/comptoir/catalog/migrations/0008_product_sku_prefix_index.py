"""Product search by reference on PostgreSQL: an index for the SKU prefix.

A search that looks like a reference (digits, no space) matches the title (`icontains`, served by
the trigram index of 0003) or a SKU prefix (`istartswith`: `UPPER(sku::text) LIKE 'TERM%'`). With
no index for the prefix, PostgreSQL could not combine the two and walked the list index in title
order: 60–73 ms for "SKU-0001" among 100,000 products. A b-tree on `UPPER(sku::text)` with
`text_pattern_ops` serves a LIKE prefix in any collation, so both conditions become one bitmap
scan (under 1 ms for the page's ids). SQLite keeps its indexes.
"""

from django.db import migrations

CREATE = [
    "CREATE INDEX IF NOT EXISTS product_sku_upper_prefix_idx "
    "ON catalog_product ((UPPER(sku::text)) text_pattern_ops)"
]
DROP = ["DROP INDEX IF EXISTS product_sku_upper_prefix_idx"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_product_list_index_holds_upper_title")]

    operations = [migrations.RunPython(forwards, backwards)]
