from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0006_card_refund"),
    ]

    operations = [
        migrations.AddField(
            model_name="cardrefund",
            name="next_retry_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
