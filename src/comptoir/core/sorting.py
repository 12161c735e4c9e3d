"""Alphabetical order as a French reader expects it, whatever the database's collation.

`sort_key` folds a name: accents, ligatures and case ignored ("Écran" among the E, "Œuf" as
"oeuf"). A `SortKeyField` holds the key of another column of its row, set on every save and bulk
insert; lists order by it, and searches by name match it against the folded term. SQLite has no
accent-blind collation and a PostgreSQL ICU collation depends on how the server was built, so the
key is computed here, once, for both (docs/decisions.md, "Alphabetical order of products").
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db import models

MAX_LENGTH = 255
# letters NFKD does not take apart, spelled out as dictionaries sort them
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def sort_key(text: str | None) -> str:
    """`text` without accents, ligatures, case or repeated spaces, at most 255 characters.
    Lists break ties by id."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_LIGATURES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())[:MAX_LENGTH].rstrip()


class SortKeyField(models.CharField):
    """`sort_key` of the row's `source` column, set on every save and bulk_create (Django calls
    `pre_save` for both). `SortKeyed.save` adds it to `update_fields` naming its source;
    `bulk_update` and `QuerySet.update` callers that change the source set it themselves."""

    def __init__(self, *args: Any, source: str, **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", MAX_LENGTH)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = sort_key(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


class SortKeyed(models.Model):
    """A model with `SortKeyField`s: a save limited to some fields also saves their keys."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is not None:
            keys = [
                f.name
                for f in self._meta.concrete_fields
                if isinstance(f, SortKeyField) and f.source in fields and f.name not in fields
            ]
            if keys:
                kwargs["update_fields"] = [*fields, *keys]
        super().save(*args, **kwargs)


def fill_sort_keys(apps: Any, schema_editor: Any, label: str, source: str, key: str) -> None:
    """For a migration adding a `SortKeyField`: compute `key` from `source` on every row of the
    model `label` ("app.Model"). One `UPDATE` per row sent in batches (`executemany`): Django's
    `bulk_update` builds a CASE over the whole batch, 91 s for 100,000 products."""
    model = apps.get_model(label)
    table = schema_editor.quote_name(model._meta.db_table)
    column = schema_editor.quote_name(key)
    sql = f"UPDATE {table} SET {column} = %s WHERE id = %s"  # noqa: S608 - quoted names
    rows = model.objects.order_by("pk").values_list("pk", source)
    batch: list[tuple[str, int]] = []
    with schema_editor.connection.cursor() as cursor:
        for pk, text in rows.iterator(chunk_size=5000):
            batch.append((sort_key(text), pk))
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
