"""Products listed and searched as a French reader expects: `sort_title`, the title without
accents, ligatures or case (`core.sorting.sort_key`), orders the lists and their keyset pages,
and a search by name matches it against the term folded the same way ("ecran" finds "Écran").

Ordering by `title` followed the database's collation: byte order on SQLite and on a PostgreSQL
database created with the C collation, where "Écran" came after "Z" and "Sérum" after "Soin".

The list index leads with `sort_title`. A search is now `sort_title LIKE '%term%'`, which the
index-only walk of the list index reads from the index itself, so the `UPPER(title)` column that
migration 0007 added is no longer needed; on PostgreSQL the trigram index of migration 0003 moves
from `UPPER(title)` to `sort_title`.

The column is filled by `core.sorting.fill_sort_keys`: 32 s for 100,000 products on PostgreSQL.
"""

from django.db import migrations, models

import comptoir.core.sorting
from comptoir.core.sorting import fill_sort_keys

TRIGRAM_FORWARDS = [
    "DROP INDEX IF EXISTS product_title_trgm_idx",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS product_sort_title_trgm_idx "
    "ON catalog_product USING gin (sort_title gin_trgm_ops)",
]
TRIGRAM_BACKWARDS = [
    "DROP INDEX IF EXISTS product_sort_title_trgm_idx",
    "CREATE INDEX IF NOT EXISTS product_title_trgm_idx "
    "ON catalog_product USING gin ((UPPER(title::text)) gin_trgm_ops)",
]
# the list index as migration 0007 left it on PostgreSQL, for going back
LIST_0007 = [
    'DROP INDEX IF EXISTS "product_seller_list_idx"',
    'CREATE INDEX "product_seller_list_idx" ON "catalog_product" '
    '("seller_id", "is_active", "title", "id", "brand_id", (UPPER("title"::text)))',
]


def fill(apps, schema_editor):
    fill_sort_keys(apps, schema_editor, "catalog.Product", "title", "sort_title")


def trigram_forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in TRIGRAM_FORWARDS:
            schema_editor.execute(statement)


def trigram_backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in TRIGRAM_BACKWARDS:
            schema_editor.execute(statement)


def list_index_backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in LIST_0007:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0008_product_sku_prefix_index"),
        ("parties", "0005_choice_labels_translatable_2"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, list_index_backwards),
        migrations.AlterModelOptions(name="product", options={"ordering": ["sort_title", "id"]}),
        migrations.RemoveIndex(model_name="product", name="product_seller_list_idx"),
        migrations.AddField(
            model_name="product",
            name="sort_title",
            field=comptoir.core.sorting.SortKeyField(
                default="", editable=False, max_length=255, source="title"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                fields=["seller", "is_active", "sort_title", "id", "brand"],
                name="product_seller_list_idx",
            ),
        ),
        migrations.RunPython(trigram_forwards, trigram_backwards),
    ]
