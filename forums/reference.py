"""Rule data from docs/domain.md 5 that every installation starts with: the nine IKM elements of
PermenPANRB 14/2017 and the grade bands. Plain constants, read by the data migration and by
`ikm_reference_ensure` (the demo seeder, and tests that flush the database), so both agree."""

ELEMENTS = [
    # number, name (id), name (en), question (id), question (en)
    (1, "Persyaratan", "Requirements",
     "Bagaimana kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
     "How well do the requirements match the service?"),
    (2, "Sistem, Mekanisme, dan Prosedur", "Systems, mechanisms and procedures",
     "Bagaimana kemudahan prosedur pelayanan di unit ini?",
     "How easy is the procedure of this unit?"),
    (3, "Waktu Penyelesaian", "Completion time",
     "Bagaimana kecepatan waktu dalam memberikan pelayanan?",
     "How quickly is the service delivered?"),
    (4, "Biaya/Tarif", "Costs and fees",
     "Bagaimana kewajaran biaya/tarif dalam pelayanan?",
     "How reasonable are the costs or fees?"),
    (5, "Produk Spesifikasi Jenis Pelayanan", "Service products",
     "Bagaimana kesesuaian produk pelayanan antara yang tercantum dalam standar "
     "pelayanan dengan hasil yang diberikan?",
     "How well does what you received match the published service standard?"),
    (6, "Kompetensi Pelaksana", "Competence of the staff",
     "Bagaimana kompetensi/kemampuan petugas dalam pelayanan?",
     "How competent are the staff?"),
    (7, "Perilaku Pelaksana", "Conduct of the staff",
     "Bagaimana perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
     "How polite and friendly are the staff?"),
    (8, "Penanganan Pengaduan, Saran dan Masukan", "Handling of complaints and suggestions",
     "Bagaimana penanganan pengaduan, saran dan masukan?",
     "How are complaints and suggestions handled?"),
    (9, "Sarana dan Prasarana", "Facilities",
     "Bagaimana kualitas sarana dan prasarana?",
     "How good are the facilities?"),
]  # fmt: skip

# grade, lower, upper (converted 25-100), name (id), name (en)
BANDS = [
    ("A", "88.31", "100.00", "Sangat Baik", "Very good"),
    ("B", "76.61", "88.30", "Baik", "Good"),
    ("C", "65.00", "76.60", "Kurang Baik", "Not good"),
    ("D", "25.00", "64.99", "Tidak Baik", "Poor"),
]
