from django.db import migrations, models


class Migration(migrations.Migration):
    """The structured facts behind an entry's label (payments writes them), so that a statement
    of account says each line in its reader's language while the label stays as written.
    Nullable: the entries already posted have none (they show their stored label)."""

    dependencies = [
        ("ledger", "0003_choice_labels_translatable_2"),
    ]

    operations = [
        migrations.AddField(
            model_name="journalentry",
            name="data",
            field=models.JSONField(blank=True, null=True),
        ),
    ]
