"""Rule data from docs/domain.md 4: the predikat matrix (nine cells), the seven BerAKHLAK values and
the distribution guidance. Editable afterwards by HR in the admin; re-running changes nothing."""

from django.db import migrations


def seed(apps, schema_editor):
    from performance.defaults import rules_ensure

    rules_ensure(apps)


class Migration(migrations.Migration):
    dependencies = [("performance", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
