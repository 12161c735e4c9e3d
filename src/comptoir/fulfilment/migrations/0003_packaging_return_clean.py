from django.db import migrations, models


class Migration(migrations.Migration):
    """`clean` shadowed Django's Model.clean(); the field keeps its data under a new name."""

    dependencies = [("fulfilment", "0002_followups_notices_billing")]

    operations = [
        migrations.RenameField(
            model_name="packagingreturn", old_name="clean", new_name="returned_clean"
        ),
        migrations.AlterField(
            model_name="packagingreturn",
            name="returned_clean",
            field=models.BooleanField(help_text="Returned clean and unlabelled (F10)."),
        ),
    ]
