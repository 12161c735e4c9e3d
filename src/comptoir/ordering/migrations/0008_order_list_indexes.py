# The lists of orders read one page at a time from (party, placed_at, id), buyer or seller.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0003_choice_labels_translatable"),
        ("ordering", "0007_order_texts"),
        ("parties", "0006_organization_sort_name"),
        ("terms", "0002_choice_labels_translatable"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
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
    ]
