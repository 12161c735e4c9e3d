from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_job"),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="progress_at",
            field=models.DateTimeField(
                blank=True, help_text="Last progress written (a stalled job is failed).", null=True
            ),
        ),
    ]
