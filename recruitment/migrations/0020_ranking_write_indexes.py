# Issue 23: the ranking's writes maintain fewer indexes. The results' skd_code and final_code
# indexes served no query (each filters within a period, reached through the application); the
# decisions' own application_id index duplicated the (application, at) index that starts with it.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recruitment", "0019_formation_informing_outcomes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="examresult",
            name="recruitment_skd_cod_de8811_idx",
        ),
        migrations.RemoveIndex(
            model_name="examresult",
            name="recruitment_final_c_79c2e9_idx",
        ),
        # Only the index goes: AlterField would also drop and re-create (and so re-check over
        # every decision) the foreign key constraint.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="decision",
                    name="application",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="decisions",
                        to="recruitment.application",
                        verbose_name="application",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "recruitment_decision_application_id_91708611"',
                    reverse_sql='CREATE INDEX "recruitment_decision_application_id_91708611" '
                    'ON "recruitment_decision" ("application_id")',
                ),
            ],
        ),
    ]
