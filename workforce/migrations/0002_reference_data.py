from django.db import migrations

from workforce.reference import KELURAHAN, SECTORS


def create_reference_data(apps, schema_editor):
    Sector = apps.get_model("workforce", "Sector")
    Kelurahan = apps.get_model("workforce", "Kelurahan")
    for order, (slug, name, name_en) in enumerate(SECTORS, start=1):
        Sector.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "order": order}
        )
    for slug, name in KELURAHAN:
        Kelurahan.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("workforce", "0001_initial")]

    operations = [migrations.RunPython(create_reference_data, migrations.RunPython.noop)]
