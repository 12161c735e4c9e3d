"""O17: a product's nature that excludes the consumer's withdrawal (C. conso. L221-28)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0004_product_report'),
        ('parties', '0003_organization_gln'),
    ]

    operations = [
        migrations.AddField(
            model_name='product',
            name='withdrawal_nature',
            field=models.CharField(blank=True, choices=[('market_price', 'Price depends on financial market fluctuations (2°)'), ('custom', "Made to the consumer's specifications or clearly personalised (3°)"), ('perishable', 'Liable to deteriorate or expire rapidly (4°)'), ('mixed', 'Inseparably mixed with other items once delivered (6°)'), ('alcohol_market', 'Alcoholic beverage delivered after 30 days at a market-dependent value (7°)'), ('newspaper', 'Newspaper, periodical or magazine, outside subscriptions (10°)'), ('dated_service', 'Accommodation, transport, car rental, catering or leisure at a set date (12°)')], default='', help_text="O17: the L221-28 nature excluding a consumer's withdrawal (blank: none).", max_length=32),
        ),
        migrations.AddConstraint(
            model_name='product',
            constraint=models.CheckConstraint(condition=models.Q(('withdrawal_nature__in', ['', 'market_price', 'custom', 'perishable', 'mixed', 'alcohol_market', 'newspaper', 'dated_service'])), name='product_withdrawal_nature_valid'),
        ),
    ]
