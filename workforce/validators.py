"""The NIP (Nomor Induk Pegawai): 18 digits.

YYYYMMDD  birth date
YYYY MM   year and month of appointment (TMT CPNS); for PPPK the "month" is the marker 21
G         gender: 1 male, 2 female
NNN       sequence number, 001 upwards
"""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PPPK_MARKER = 21


@dataclass(frozen=True)
class NipParts:
    birth_date: date
    appointment_year: int
    appointment_month: int | None  # None for PPPK
    gender: str  # "M" or "F"
    sequence: int

    @property
    def is_pppk(self) -> bool:
        return self.appointment_month is None


def parse_nip(value: str) -> NipParts:
    """Split a NIP into its parts, or raise ValidationError saying what is wrong."""
    value = (value or "").strip()
    if not re.fullmatch(r"[0-9]{18}", value):
        raise ValidationError(
            _("A NIP has exactly 18 digits (you entered %(count)s characters)."),
            code="nip_length",
            params={"count": len(value)},
        )
    try:
        birth = date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise ValidationError(
            _("Digits 1–8 of the NIP must be a real birth date (YYYYMMDD)."), code="nip_birth"
        ) from None
    year, month = int(value[8:12]), int(value[12:14])
    if month == PPPK_MARKER:
        appointment_month = None
    elif 1 <= month <= 12:
        appointment_month = month
    else:
        raise ValidationError(
            _("Digits 13–14 of the NIP must be the month of appointment (01–12), or 21 for PPPK."),
            code="nip_month",
        )
    if year < birth.year + 18 or year > timezone.localdate().year + 1:
        raise ValidationError(
            _(
                "Digits 9–12 of the NIP must be the year of appointment, at least 18 years "
                "after birth."
            ),
            code="nip_year",
        )
    gender_digit = value[14]
    if gender_digit not in "12":
        raise ValidationError(
            _("Digit 15 of the NIP is the gender: 1 for male, 2 for female."), code="nip_gender"
        )
    sequence = int(value[15:18])
    if sequence == 0:
        raise ValidationError(
            _("Digits 16–18 of the NIP are a sequence number starting at 001."),
            code="nip_sequence",
        )
    return NipParts(
        birth_date=birth,
        appointment_year=year,
        appointment_month=appointment_month,
        gender="M" if gender_digit == "1" else "F",
        sequence=sequence,
    )


def validate_nip(value: str) -> None:
    parse_nip(value)


def build_nip(
    birth_date: date, *, appointment: tuple[int, int], gender: str, sequence: int, pppk: bool
) -> str:
    """A NIP with the given parts (demo and scale data; real NIPs come from BKN)."""
    year, month = appointment
    return (
        f"{birth_date:%Y%m%d}{year:04d}{PPPK_MARKER if pppk else month:02d}"
        f"{1 if gender == 'M' else 2}{sequence:03d}"
    )
