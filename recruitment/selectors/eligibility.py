"""Who may apply to a formation: age on the period's reference date, education level and
programme (docs/domain.md 1.11). Each failed rule gives a plain, translated reason."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from recruitment.models import ApplicantProfile, Formation
from workforce.models import EducationLevel

# D4 and S1 are the same level for appointment purposes.
_LEVEL_GROUP = {EducationLevel.D4: EducationLevel.S1}


@dataclass
class Eligibility:
    reasons: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.reasons


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def formation_age_max(formation: Formation) -> int:
    return formation.age_max


def _normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def check_eligibility(profile: ApplicantProfile | None, formation: Formation) -> Eligibility:
    result = Eligibility()
    if profile is None:
        result.reasons.append(_("Complete your applicant profile first."))
        return result
    period = formation.period
    age = age_on(profile.birth_date, period.age_reference_date)
    age_max = formation_age_max(formation)
    if age < period.age_min:
        result.reasons.append(
            _("You are %(age)s on %(day)s; this formation needs at least %(min)s years.")
            % {
                "age": age,
                "day": period.age_reference_date.strftime("%d-%m-%Y"),
                "min": period.age_min,
            }
        )
    elif age > age_max:
        result.reasons.append(
            _("You are %(age)s on %(day)s; this formation accepts at most %(max)s years.")
            % {
                "age": age,
                "day": period.age_reference_date.strftime("%d-%m-%Y"),
                "max": age_max,
            }
        )
    have = _LEVEL_GROUP.get(profile.education_level, profile.education_level)
    need = _LEVEL_GROUP.get(formation.education_level, formation.education_level)
    if have != need:
        result.reasons.append(
            _("This formation needs the education level %(need)s; your profile says %(have)s.")
            % {
                "need": formation.get_education_level_display(),
                "have": profile.get_education_level_display(),
            }
        )
    programmes = formation.programme_list()
    if programmes and _normalise(profile.programme) not in {_normalise(p) for p in programmes}:
        result.reasons.append(
            _("Your study programme (%(programme)s) is not one this formation accepts: %(list)s.")
            % {"programme": profile.programme, "list": ", ".join(programmes)}
        )
    return result
