"""The optimisation sub-codes every installation starts with (recruitment.defaults)."""

from django.db import migrations

CODES = [
    ("umum", "umum", True, "L-2"),
    ("umum", "umum", False, "L-2"),
    ("umum", "khusus", True, "L-1"),
    ("umum", "khusus", False, "L-2"),
    ("khusus", "khusus", True, "L-1"),
    ("khusus", "khusus", False, "L-2"),
    ("khusus", "umum", True, "L-1"),
    ("khusus", "umum", False, "L-2"),
]


def create(apps, schema_editor):
    OptimisationCode = apps.get_model("recruitment", "OptimisationCode")
    for from_kind, to_kind, same_location, code in CODES:
        OptimisationCode.objects.get_or_create(
            from_kind=from_kind,
            to_kind=to_kind,
            same_location=same_location,
            defaults={"code": code},
        )


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0012_pppk_skb_parts_appointments")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
