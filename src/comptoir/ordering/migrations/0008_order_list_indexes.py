# The lists of orders read one page at a time: a company's orders from (buyer or seller,
# placed_at, id), newest first; the seller's orders to answer from the waiting states' deadlines.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ordering", "0007_order_texts"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="order",
            name="ordering_or_buyer_i_df4ad7_idx",
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["buyer", "-placed_at", "-id"], name="order_buyer_list_idx"),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                fields=["seller", "-placed_at", "-id"], name="order_seller_list_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                models.F("seller"),
                models.F("acceptance_due_on"),
                models.F("placed_at"),
                models.F("id"),
                condition=models.Q(("state__in", ["submitted", "held"])),
                name="order_inbox_idx",
            ),
        ),
    ]
