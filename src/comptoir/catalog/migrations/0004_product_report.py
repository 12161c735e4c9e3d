"""Product reports to the operator (C7): the moderation queue."""

import comptoir.core.clock
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0003_product_title_trigram_index'),
        ('parties', '0002_api_keys'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ProductReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(choices=[('counterfeit', 'Counterfeit or infringing'), ('prohibited', 'Prohibited or dangerous product'), ('misleading', 'Misleading description'), ('offensive', 'Offensive content'), ('other', 'Other')], max_length=20)),
                ('text', models.TextField(blank=True)),
                ('status', models.CharField(choices=[('open', 'Open'), ('dismissed', 'Dismissed'), ('actioned', 'Product removed')], default='open', max_length=10)),
                ('created_at', models.DateTimeField(default=comptoir.core.clock.now)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('decision_note', models.TextField(blank=True)),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('product', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='catalog.product')),
                ('reporter_organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='product_reports', to='parties.organization')),
                ('reporter_user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='product_reports', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['status', 'product'], name='product_report_queue_idx')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'open')), fields=('product', 'reporter_organization'), name='product_report_one_open_per_reporter', violation_error_code='already_reported'), models.CheckConstraint(condition=models.Q(('reason__in', ['counterfeit', 'prohibited', 'misleading', 'offensive', 'other'])), name='product_report_reason_valid'), models.CheckConstraint(condition=models.Q(('status__in', ['open', 'dismissed', 'actioned'])), name='product_report_status_valid'), models.CheckConstraint(condition=models.Q(models.Q(('decided_at__isnull', True), ('status', 'open')), models.Q(models.Q(('status', 'open'), _negated=True), ('decided_at__isnull', False)), _connector='OR'), name='product_report_decided_when_closed')],
            },
        ),
    ]
