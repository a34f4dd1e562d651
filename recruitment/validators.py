"""NIK (Nomor Induk Kependudukan) and KK (family card) numbers: 16 digits each.

NIK layout: PP KK CC  DD MM YY  SSSS
    PP province, KK regency/city, CC district (kecamatan) — the region code;
    DD day of birth, plus 40 for women; MM month; YY year (two digits);
    SSSS a sequence number from 0001.
The portal checks the structure and that it agrees with the stated birth date and gender; it never
calls Dukcapil (docs/domain.md: no live dependency).
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PROVINCE_CODES = {
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53,
    61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
}  # fmt: skip


def _digits(value: str, label) -> str:
    value = (value or "").replace(" ", "").strip()
    if not re.fullmatch(r"[0-9]{16}", value):
        raise ValidationError(
            _("%(label)s has exactly 16 digits (you entered %(count)s characters)."),
            code="length",
            params={"label": label, "count": len(value)},
        )
    return value


def _region(value: str, label) -> None:
    if int(value[0:2]) not in PROVINCE_CODES or value[2:4] == "00" or value[4:6] == "00":
        raise ValidationError(
            _(
                "Digits 1–6 of the %(label)s must be a real region code "
                "(province, regency, district)."
            ),
            code="region",
            params={"label": label},
        )


def nik_birth_parts(nik: str) -> tuple[int, int, int, str]:
    """(day, month, two-digit year, gender) read from a structurally valid NIK."""
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    gender = "F" if day > 40 else "M"
    return (day - 40 if day > 40 else day), month, year, gender


def validate_nik(value: str) -> None:
    nik = _digits(value, "NIK")
    _region(nik, "NIK")
    day, month, year, _gender = nik_birth_parts(nik)
    valid = any(_real_date(century + year, month, day) for century in (1900, 2000))
    if not valid:
        raise ValidationError(
            _(
                "Digits 7–12 of the NIK must be a birth date (DDMMYY, with 40 added to the day "
                "for women)."
            ),
            code="birth",
        )
    if nik[12:16] == "0000":
        raise ValidationError(
            _("Digits 13–16 of the NIK are a sequence number starting at 0001."), code="sequence"
        )


def validate_kk(value: str) -> None:
    kk = _digits(value, "KK")
    _region(kk, "KK")


def nik_matches(nik: str, *, birth_date: date | None, gender: str | None):
    """A translated message when a (structurally valid) NIK disagrees with the stated birth date
    or gender; None when they agree or cannot be compared."""
    try:
        validate_nik(nik)
    except ValidationError:
        return None  # the field validator reports it
    day, month, year, nik_gender = nik_birth_parts(nik)
    if birth_date and (birth_date.day, birth_date.month, birth_date.year % 100) != (
        day,
        month,
        year,
    ):
        return _("The NIK does not match your date of birth (digits 7–12).")
    if gender and gender != nik_gender:
        return _("The NIK does not match your gender (women have 40 added to the day of birth).")
    return None


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def build_nik(*, region: str, birth_date: date, gender: str, sequence: int) -> str:
    """A structurally valid NIK (demo and scale data only)."""
    day = birth_date.day + (40 if gender == "F" else 0)
    return f"{region}{day:02d}{birth_date:%m}{birth_date:%y}{sequence:04d}"
