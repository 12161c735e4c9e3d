"""Late cases are rewritten by the collection sweep every day (interest accrued to the day): room
left on each page lets PostgreSQL update them in place (heap-only tuples, no index entry to add)."""

from django.db import migrations


def _fillfactor(percent: int):
    def apply(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return  # SQLite has no fill factor
        schema_editor.execute(f"ALTER TABLE payments_latecase SET (fillfactor = {percent})")

    return apply


class Migration(migrations.Migration):
    dependencies = [("payments", "0008_lcr_remittance_payout_paid_retry_queue")]

    operations = [migrations.RunPython(_fillfactor(70), _fillfactor(100))]
