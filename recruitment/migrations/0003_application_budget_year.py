from django.db import migrations, models


def copy_year(apps, schema_editor):
    Application = apps.get_model("recruitment", "Application")
    for application in Application.objects.select_related("period"):
        application.budget_year = application.period.year
        application.save(update_fields=["budget_year"])


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0002_status_notification")]

    operations = [
        migrations.AddField(
            model_name="application",
            name="budget_year",
            field=models.PositiveSmallIntegerField(
                default=2026,
                editable=False,
                help_text="Copied from the period.",
                verbose_name="budget year",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(copy_year, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.UniqueConstraint(
                fields=("applicant", "budget_year"), name="one_application_per_budget_year"
            ),
        ),
    ]
