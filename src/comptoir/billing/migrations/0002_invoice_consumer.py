"""O17: an invoice to a consumer carries no B2B late-payment mentions or indemnity."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='invoice',
            name='consumer',
            field=models.BooleanField(default=False),
        ),
    ]
