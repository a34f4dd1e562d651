from django.db import migrations

# Defaults from docs/domain.md 2. The puskesmas minimums come from the superseded Permenkes 75/2014
# table (perdesaan, non-inpatient), because the 43/2019 table could not be confirmed: HR should
# confirm them (confirmed=False shows a note in admin).
PUSKESMAS_SOURCE = "Permenkes 75/2014 table, perdesaan non-rawat inap (superseded; confirm)"
NORMS = [
    ("puskesmas", "dokter", "Dokter/DLP", "fixed", 1, PUSKESMAS_SOURCE),
    ("puskesmas", "dokter-gigi", "Dokter gigi", "fixed", 1, PUSKESMAS_SOURCE),
    ("puskesmas", "perawat", "Perawat", "fixed", 5, PUSKESMAS_SOURCE),
    ("puskesmas", "bidan", "Bidan", "fixed", 4, PUSKESMAS_SOURCE),
    ("puskesmas", "kesmas", "Tenaga kesehatan masyarakat", "fixed", 1, PUSKESMAS_SOURCE),
    ("puskesmas", "kesling", "Tenaga kesehatan lingkungan", "fixed", 1, PUSKESMAS_SOURCE),
    ("puskesmas", "atlm", "Ahli teknologi laboratorium medik", "fixed", 1, PUSKESMAS_SOURCE),
    ("puskesmas", "gizi", "Nutrisionis", "fixed", 1, PUSKESMAS_SOURCE),
    ("puskesmas", "farmasi", "Tenaga kefarmasian", "fixed", 1, PUSKESMAS_SOURCE),
    ("puskesmas", "administrasi", "Tenaga administrasi", "fixed", 2, PUSKESMAS_SOURCE),
    ("puskesmas", "pekarya", "Pekarya", "fixed", 1, PUSKESMAS_SOURCE),
    ("pustu", "bidan", "Bidan", "fixed", 1, "Rakumpit practice: 1 bidan per pustu (DOMAIN.md 6)"),
    ("pustu", "perawat", "Perawat", "fixed", 1, "Rakumpit practice: 1 perawat per pustu (DOMAIN.md 6)"),
    ("sd", "guru", "Guru", "per_students", 20, "PP 74/2008 Pasal 17: SD 20:1"),
    ("smp", "guru", "Guru", "per_students", 20, "PP 74/2008 Pasal 17: SMP 20:1"),
    ("sma", "guru", "Guru", "per_students", 20, "PP 74/2008 Pasal 17: SMA 20:1"),
]


def create_norms(apps, schema_editor):
    ServiceNorm = apps.get_model("workforce", "ServiceNorm")
    for unit_kind, key, label, basis, value, source in NORMS:
        ServiceNorm.objects.get_or_create(
            unit_kind=unit_kind,
            norm_key=key,
            defaults={"label": label, "basis": basis, "value": value, "source": source},
        )


class Migration(migrations.Migration):
    dependencies = [("workforce", "0003_planning_units_positions_employees_abk")]

    operations = [migrations.RunPython(create_norms, migrations.RunPython.noop)]
