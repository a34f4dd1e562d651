"""Reference data that every installation starts with (docs/domain.md 6). Plain constants, read by
the data migration and by the demo seeder, so both agree."""

SECTORS = [
    # slug, Bahasa Indonesia, English
    ("kesehatan", "Kesehatan", "Health"),
    ("pendidikan", "Pendidikan", "Education"),
    ("infrastruktur", "Infrastruktur", "Infrastructure"),
    ("pemerintahan-umum", "Pemerintahan Umum", "General government"),
]

# The seven kelurahan of Kecamatan Rakumpit. Panjehang is also spelled "Penjehang".
KELURAHAN = [
    ("bukit-sua", "Bukit Sua"),
    ("gaung-baru", "Gaung Baru"),
    ("mungku-baru", "Mungku Baru"),
    ("pager", "Pager"),
    ("panjehang", "Panjehang"),
    ("petuk-barunai", "Petuk Barunai"),
    ("petuk-bukit", "Petuk Bukit"),
]
