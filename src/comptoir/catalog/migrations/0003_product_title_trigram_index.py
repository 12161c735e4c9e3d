"""Product search by name on PostgreSQL: a trigram index under `title__icontains`.

Django renders `icontains` as `UPPER(title::text) LIKE UPPER('%term%')`; a GIN index with
`gin_trgm_ops` on that expression turns the search of a 100,000-product catalog from a sequential
scan into an index scan. pg_trgm is a trusted extension (PostgreSQL 13+), so the database owner
can create it. SQLite keeps the b-tree indexes only.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS product_title_trgm_idx "
    "ON catalog_product USING gin ((UPPER(title::text)) gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS product_title_trgm_idx"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_product_list_index_with_brand")]

    operations = [migrations.RunPython(forwards, backwards)]
