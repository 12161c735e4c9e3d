from django.db import migrations, models
from django.db.models import Exists, OuterRef


def mark_consumer_cases(apps, schema_editor):
    """Cases already open on a consumer's invoice stop accruing the B2B charges (O17)."""
    LateCase = apps.get_model("payments", "LateCase")
    Invoice = apps.get_model("billing", "Invoice")
    consumer = Invoice.objects.filter(
        issuer_id=OuterRef("seller_id"), number=OuterRef("open_item__reference"), consumer=True
    )
    LateCase.objects.filter(Exists(consumer)).update(consumer=True)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0011_refund"),
        ("billing", "0002_invoice_consumer"),
    ]

    operations = [
        migrations.AddField(
            model_name="latecase",
            name="consumer",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_consumer_cases, migrations.RunPython.noop),
    ]
