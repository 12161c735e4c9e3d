from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """F10: a packaging deposit is billed once, as its own line, outside the VAT base."""

    dependencies = [("fulfilment", "0003_packaging_return_clean")]

    operations = [
        migrations.AddField(
            model_name="packagingdeposit",
            name="vat_rate",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0.00"),
                help_text="0: a returnable deposit stays outside the VAT base (CGI art. 267).",
                max_digits=5,
            ),
        ),
        migrations.AddField(
            model_name="packagingdeposit",
            name="invoiced",
            field=models.BooleanField(default=False, help_text="Set once billed on an invoice."),
        ),
        migrations.AddField(
            model_name="packagingdeposit",
            name="invoiced_with",
            field=models.ForeignKey(
                blank=True,
                help_text="The order whose invoice carried the deposit.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="ordering.order",
            ),
        ),
        migrations.AddIndex(
            model_name="packagingdeposit",
            index=models.Index(
                condition=models.Q(("invoiced", False)),
                fields=["order"],
                name="fulfilment_deposit_unbilled",
            ),
        ),
    ]
