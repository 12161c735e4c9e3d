# The seller's orders to answer read from an index, the nearest deadline first.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0003_choice_labels_translatable'),
        ('ordering', '0008_order_list_indexes'),
        ('parties', '0006_organization_sort_name'),
        ('terms', '0002_choice_labels_translatable'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='order',
            index=models.Index(models.F('seller'), models.F('acceptance_due_on'), models.F('placed_at'), models.F('id'), condition=models.Q(('state__in', ['submitted', 'held'])), name='order_inbox_idx'),
        ),
    ]
