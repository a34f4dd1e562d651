from django.db import migrations

# Frozen here on purpose: a migration must not change when recruitment.defaults does.
REASONS = [
    ("usia", "Usia di luar batas yang ditentukan", "Age outside the limit"),
    ("tidak-terbaca", "Hasil pindai tidak terbaca", "Scan cannot be read"),
    ("nama-berbeda", "Nama pada KTP dan ijazah berbeda", "Name differs between KTP and diploma"),
    ("kualifikasi", "Kualifikasi pendidikan tidak sesuai", "Qualification does not match"),
    ("lamaran-salah-alamat", "Surat lamaran ditujukan kepada pihak yang salah",
     "Application letter addressed to the wrong party"),
    ("salah-slot", "Dokumen diunggah pada isian yang salah", "File uploaded to the wrong slot"),
    ("akreditasi", "Sertifikat akreditasi bukan dari tahun kelulusan",
     "Accreditation certificate not from the graduation year"),
    ("surat-sehat", "Surat keterangan sehat bukan dari dokter pemerintah",
     "Health certificate not from a government doctor"),
    ("dokumen-palsu", "Dokumen atau stempel dipalsukan", "Forged document or stamp"),
    ("e-meterai", "E-meterai menimpa tanda tangan", "E-meterai overlaps the signature"),
    ("lainnya", "Alasan lain (lihat keterangan)", "Other reason (see the note)"),
]  # fmt: skip
GRADES = {
    "umum": (65, 80, 166, None),
    "kalimantan": (65, 80, 166, None),
    "cumlaude": (None, 85, None, 311),
    "diaspora": (None, 85, None, 311),
    "disabilitas": (None, 60, None, 286),
    "papua": (None, 60, None, 286),
    "3t": (None, 60, None, 286),
}


def seed(apps, schema_editor):
    RejectionReason = apps.get_model("recruitment", "RejectionReason")
    for order, (code, name, name_en) in enumerate(REASONS):
        RejectionReason.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )
    SelectionPeriod = apps.get_model("recruitment", "SelectionPeriod")
    PassingGrade = apps.get_model("recruitment", "PassingGrade")
    for period in SelectionPeriod.objects.all():
        for category, (twk, tiu, tkp, total) in GRADES.items():
            PassingGrade.objects.get_or_create(
                period=period,
                category=category,
                defaults={"twk_min": twk, "tiu_min": tiu, "tkp_min": tkp, "total_min": total},
            )


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0006_selection")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
