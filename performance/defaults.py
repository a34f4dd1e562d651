"""The rule data of docs/domain.md 4, in one place: the predikat matrix (nine cells), the seven
BerAKHLAK values and the distribution guidance. Seeded by migration 0002 and by
`rules_ensure()` (the demo and tests call it after a database flush). Rows already present are
left as HR edited them."""

from django.apps import apps as django_apps

# (hasil kerja, perilaku) -> predikat, read row by row from the table in docs/domain.md 4.
MATRIX = {
    ("above", "below"): "kurang",
    ("above", "meets"): "baik",
    ("above", "above"): "sangat_baik",
    ("meets", "below"): "kurang",
    ("meets", "meets"): "baik",
    ("meets", "above"): "baik",
    ("below", "below"): "sangat_kurang",
    ("below", "meets"): "butuh_perbaikan",
    ("below", "above"): "butuh_perbaikan",
}

BERAKHLAK = [
    (
        "berorientasi-pelayanan",
        "Berorientasi Pelayanan",
        "Service-oriented",
        "Komitmen memberikan pelayanan prima demi kepuasan masyarakat.",
    ),
    ("akuntabel", "Akuntabel", "Accountable", "Bertanggung jawab atas kepercayaan yang diberikan."),
    ("kompeten", "Kompeten", "Competent", "Terus belajar dan mengembangkan kapabilitas."),
    ("harmonis", "Harmonis", "Harmonious", "Saling peduli dan menghargai perbedaan."),
    ("loyal", "Loyal", "Loyal", "Berdedikasi dan mengutamakan kepentingan bangsa dan negara."),
    (
        "adaptif",
        "Adaptif",
        "Adaptive",
        "Terus berinovasi dan antusias dalam menggerakkan serta menghadapi perubahan.",
    ),
    ("kolaboratif", "Kolaboratif", "Collaborative", "Membangun kerja sama yang sinergis."),
]

# organisation predikat, staff predikat, at least %, at most %, note
GUIDANCE = [
    ("Istimewa", "sangat_baik", None, 70, ""),
    ("Baik", "baik", None, 70, "Harus ada pegawai Butuh Perbaikan dan/atau Kurang."),
    ("Butuh Perbaikan", "butuh_perbaikan", 60, None, ""),
    ("Butuh Perbaikan", "sangat_baik", None, 10, ""),
    ("Kurang", "kurang", 60, None, ""),
    ("Sangat Kurang", "sangat_kurang", 60, None, ""),
    ("Sangat Kurang", "sangat_baik", None, 0, "Tidak ada pegawai Sangat Baik."),
]


def rules_ensure(apps=django_apps) -> None:
    PredikatRule = apps.get_model("performance", "PredikatRule")
    BehaviourValue = apps.get_model("performance", "BehaviourValue")
    DistributionGuidance = apps.get_model("performance", "DistributionGuidance")
    for (hasil, perilaku), predikat in MATRIX.items():
        PredikatRule.objects.get_or_create(
            hasil_kerja=hasil, perilaku=perilaku, defaults={"predikat": predikat}
        )
    for order, (code, name, name_en, description) in enumerate(BERAKHLAK, start=1):
        BehaviourValue.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "description": description, "order": order},
        )
    if not DistributionGuidance.objects.exists():
        for order, (org, staff, low, high, note) in enumerate(GUIDANCE, start=1):
            DistributionGuidance.objects.create(
                organisation_predikat=org,
                staff_predikat=staff,
                min_percent=low,
                max_percent=high,
                note=note,
                order=order,
            )
