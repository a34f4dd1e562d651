"""The two pustu norms named a document as their source; they now name the public source itself
(docs/domain.md 6: the staffing of Puskesmas Rakumpit and its pustu, kalteng.co, 2020-21)."""

from django.db import migrations

SOURCES = {
    "bidan": (
        "Rakumpit practice: 1 bidan per pustu (DOMAIN.md 6)",
        "Rakumpit practice: 1 bidan per pustu (Puskesmas Rakumpit, kalteng.co 2020-21)",
    ),
    "perawat": (
        "Rakumpit practice: 1 perawat per pustu (DOMAIN.md 6)",
        "Rakumpit practice: 1 perawat per pustu (Puskesmas Rakumpit, kalteng.co 2020-21)",
    ),
}


def name_the_source(apps, schema_editor):
    ServiceNorm = apps.get_model("workforce", "ServiceNorm")
    for key, (old, new) in SOURCES.items():
        # Only the text the earlier migration wrote: HR's own edits stay.
        ServiceNorm.objects.filter(unit_kind="pustu", norm_key=key, source=old).update(source=new)


def back(apps, schema_editor):
    ServiceNorm = apps.get_model("workforce", "ServiceNorm")
    for key, (old, new) in SOURCES.items():
        ServiceNorm.objects.filter(unit_kind="pustu", norm_key=key, source=new).update(source=old)


class Migration(migrations.Migration):
    dependencies = [("workforce", "0006_employee_employee_name_order_idx")]

    operations = [migrations.RunPython(name_the_source, back)]
