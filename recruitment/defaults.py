"""DOMAIN.md defaults that a new selection period starts with; HR edits them per period."""

from recruitment.models import DocumentRequirement

JPEG, PDF = DocumentRequirement.Format.JPEG, DocumentRequirement.Format.PDF

# slug, Bahasa Indonesia, English, format, max KB, required by default (DOMAIN.md 1.3)
DOCUMENTS = [
    ("pas-foto", "Pas foto (latar merah)", "Passport photo (red background)", JPEG, 200, True),
    ("swafoto", "Swafoto", "Selfie", JPEG, 200, True),
    ("ktp", "KTP", "Identity card (KTP)", JPEG, 200, True),
    ("surat-lamaran", "Surat lamaran", "Application letter", PDF, 300, True),
    ("ijazah", "Ijazah (dan Serdik/STR bila ada)", "Diploma (and Serdik/STR if any)", PDF, 800,
     True),
    ("transkrip", "Transkrip nilai", "Academic transcript", PDF, 500, True),
    ("surat-sehat", "Surat keterangan sehat (dokter pemerintah)",
     "Health certificate (government doctor)", PDF, 800, False),
    ("pendukung", "Dokumen pendukung lainnya", "Other supporting documents", PDF, 800, False),
]  # fmt: skip

# CPNS 18–35 (PP 11/2017); PPPK from 20 (PP 49/2018), the maximum depends on the position.
AGE_LIMITS = {"CPNS": (18, 35), "PPPK": (20, 59)}
