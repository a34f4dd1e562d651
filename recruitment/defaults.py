"""docs/domain.md defaults that a new selection period starts with; HR edits them per period."""

from recruitment.models import DocumentRequirement

JPEG, PDF = DocumentRequirement.Format.JPEG, DocumentRequirement.Format.PDF

# slug, Bahasa Indonesia, English, format, max KB, required by default (docs/domain.md 1.3)
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

# The largest photo an image slot keeps, (width, height) in pixels, a portal default [U]
# (docs/domain.md 1.3): the pas foto at 3:4, enough for the printed cards; other photos (KTP,
# selfie) large enough to read a card's text. A bigger photo is scaled down on upload
# (core.photos), never refused for its size.
PHOTO_DIMENSIONS = {"pas-foto": (600, 800)}
PHOTO_DEFAULT_DIMENSIONS = (1200, 1200)

# CPNS 18–35 (PP 11/2017); PPPK from 20 (PP 49/2018), the maximum depends on the position.
AGE_LIMITS = {"CPNS": (18, 35), "PPPK": (20, 59)}

# SKD passing grades (NAB) by formation category: TWK, TIU, TKP, total; None = not checked.
# KepmenPANRB 651/2023 and 321/2024, identical in both years (docs/domain.md 1.7).
PASSING_GRADES = {
    "umum": (65, 80, 166, None),
    "kalimantan": (65, 80, 166, None),
    "cumlaude": (None, 85, None, 311),
    "diaspora": (None, 85, None, 311),
    "disabilitas": (None, 60, None, 286),
    "papua": (None, 60, None, 286),
    "3t": (None, 60, None, 286),
}

# The common TMS reasons (docs/domain.md 1.4, tirto 2024): code, Bahasa Indonesia, English.
REJECTION_REASONS = [
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

# The optimisation code (docs/domain.md 1.9) by (the kind of formation the applicant sat, the kind
# they are placed in, the same location). The defaults follow 1.9's definitions: L-1 another
# formation type at the same location (same position and education), L-2 another formation or
# location. Where the U-1, U-3 and E-1..E-3 sub-codes apply is unconfirmed: HR sets them in the
# admin when the announcement uses them, and confirms each row (OptimisationCode.confirmed).
OPTIMISATION_CODES = [
    ("umum", "umum", True, "L-2"),
    ("umum", "umum", False, "L-2"),
    ("umum", "khusus", True, "L-1"),
    ("umum", "khusus", False, "L-2"),
    ("khusus", "khusus", True, "L-1"),
    ("khusus", "khusus", False, "L-2"),
    ("khusus", "umum", True, "L-1"),
    ("khusus", "umum", False, "L-2"),
]
