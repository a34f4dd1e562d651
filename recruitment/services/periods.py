"""HR's side of selection periods and formations: create and change them, publish or withdraw
them, and turn an approved workforce proposal into formations in one step.

Rule failures raise PeriodError with translated messages, keyed by field where a form can show
them beside the field that caused them."""

import logging
from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from recruitment.defaults import AGE_LIMITS, DOCUMENTS, PASSING_GRADES, REJECTION_REASONS
from recruitment.models import (
    Application,
    DocumentRequirement,
    Formation,
    FormationCategory,
    PassingGrade,
    ProcurementType,
    RejectionReason,
    SelectionPeriod,
)
from recruitment.models.periods import CONTACT_FIELDS
from workforce.models import AsnType, FormationProposal, Position, ProposalItem

logger = logging.getLogger(__name__)

# A CPNS selection recruits PNS candidates and a PPPK selection PPPK ones (docs/domain.md 1.2).
ASN_TYPE_FOR_PROCUREMENT = {ProcurementType.CPNS: AsnType.PNS, ProcurementType.PPPK: AsnType.PPPK}

# Fields of a period that HR sets through period_create / period_update.
PERIOD_FIELDS = (
    "name",
    "year",
    "procurement_type",
    "description",
    "registration_opens_at",
    "registration_closes_at",
    "admin_announcement_at",
    "appeal_days",
    "appeal_answer_days",
    "exam_starts_on",
    "exam_ends_on",
    "final_announcement_at",
    "age_min",
    "age_max",
    "age_reference_date",
    *CONTACT_FIELDS,
)


class PeriodError(Exception):
    """A rule refused the change. `errors` maps a field name (None: the whole form) to its
    translated messages; str(error) joins them for a flash message."""

    def __init__(self, message: str | None = None, *, errors: dict | None = None):
        self.errors = errors or {None: [message]}
        super().__init__(message or " ".join(m for msgs in self.errors.values() for m in msgs))

    @classmethod
    def from_validation(cls, error: ValidationError) -> "PeriodError":
        if hasattr(error, "error_dict"):
            errors = {
                (None if field == NON_FIELD_ERRORS else field): messages
                for field, messages in error.message_dict.items()
            }
        else:
            errors = {None: error.messages}
        return cls(errors=errors)


# --- periods ------------------------------------------------------------------------------


@transaction.atomic
def period_add_default_documents(*, period: SelectionPeriod) -> list[DocumentRequirement]:
    """The docs/domain.md 1.3 document slots, created when missing (HR's edits are kept)."""
    created = []
    for order, (slug, name, name_en, file_format, max_kb, _required) in enumerate(DOCUMENTS):
        requirement, _ = DocumentRequirement.objects.get_or_create(
            period=period,
            slug=slug,
            defaults={
                "name": name,
                "name_en": name_en,
                "file_format": file_format,
                "max_kb": max_kb,
                "order": order,
            },
        )
        created.append(requirement)
    return created


@transaction.atomic
def period_add_default_passing_grades(*, period: SelectionPeriod) -> None:
    """The docs/domain.md 1.7 passing grades per category, created when missing (edits are kept)."""
    for category, (twk, tiu, tkp, total) in PASSING_GRADES.items():
        PassingGrade.objects.get_or_create(
            period=period,
            category=category,
            defaults={"twk_min": twk, "tiu_min": tiu, "tkp_min": tkp, "total_min": total},
        )


def rejection_reasons_ensure() -> None:
    """The docs/domain.md 1.4 TMS reasons, created when missing (the migration seeds them; a flushed
    test database or a fresh demo needs them again). HR's edits are kept."""
    for order, (code, name, name_en) in enumerate(REJECTION_REASONS):
        RejectionReason.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )


def default_required_slugs() -> list[str]:
    return [slug for slug, *_rest, required in DOCUMENTS if required]


def _local_date(moment: datetime) -> date:
    """The calendar day of a moment in WIB, the portal's time zone."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def _apply_defaults(period: SelectionPeriod, *, age_min, age_max, age_reference_date) -> None:
    default_min, default_max = AGE_LIMITS.get(period.procurement_type, (None, None))
    period.age_min = age_min if age_min is not None else default_min
    period.age_max = age_max if age_max is not None else default_max
    if age_reference_date is None and period.registration_closes_at:
        age_reference_date = _local_date(period.registration_closes_at)
    period.age_reference_date = age_reference_date


def _period_save(period: SelectionPeriod) -> SelectionPeriod:
    try:
        period.full_clean()
    except ValidationError as error:
        raise PeriodError.from_validation(error) from None
    # The flag follows the deadline: extending a closed registration opens it again.
    period.registration_closed = period.registration_closes_at <= timezone.now()
    period.save()
    return period


@transaction.atomic
def period_create(
    *,
    name: str,
    year: int,
    procurement_type: str,
    registration_opens_at: datetime,
    registration_closes_at: datetime,
    age_reference_date: date | None = None,
    age_min: int | None = None,
    age_max: int | None = None,
    description: str = "",
    admin_announcement_at: datetime | None = None,
    appeal_days: int = 3,
    appeal_answer_days: int = 7,
    exam_starts_on: date | None = None,
    exam_ends_on: date | None = None,
    final_announcement_at: datetime | None = None,
    is_published: bool = False,
    **contact,
) -> SelectionPeriod:
    """A new period with the docs/domain.md defaults: age limits by procurement type, the age
    reference date on the closing day (WIB), the standard document slots, and the committee's
    contact point of the latest period when none is given (`contact`: CONTACT_FIELDS).
    Registration must stay open at least 15 calendar days (SelectionPeriod.clean)."""
    unknown = set(contact) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"period_create() got unexpected fields: {', '.join(sorted(unknown))}")
    if not any(contact.values()):
        contact = _latest_contact()
    period = SelectionPeriod(
        **contact,
        name=name,
        year=year,
        procurement_type=procurement_type,
        description=description,
        registration_opens_at=registration_opens_at,
        registration_closes_at=registration_closes_at,
        admin_announcement_at=admin_announcement_at,
        appeal_days=appeal_days,
        appeal_answer_days=appeal_answer_days,
        exam_starts_on=exam_starts_on,
        exam_ends_on=exam_ends_on,
        final_announcement_at=final_announcement_at,
        is_published=is_published,
    )
    _apply_defaults(period, age_min=age_min, age_max=age_max, age_reference_date=age_reference_date)
    _period_save(period)
    period_add_default_documents(period=period)
    period_add_default_passing_grades(period=period)
    return period


def _latest_contact() -> dict:
    """The contact point of the newest period that has one: the committee rarely changes its
    e-mail, telephone and office from one selection to the next."""
    has_contact = Q()
    for name in CONTACT_FIELDS:
        has_contact |= ~Q(**{name: ""})
    latest = (
        SelectionPeriod.objects.filter(has_contact)
        .order_by("-registration_opens_at", "-pk")
        .values(*CONTACT_FIELDS)
        .first()
    )
    return latest or {}


@transaction.atomic
def period_update(*, period: SelectionPeriod, **fields) -> SelectionPeriod:
    """Change the given fields. Age limits or the reference date given as None fall back to the
    defaults, as on creation."""
    unknown = set(fields) - set(PERIOD_FIELDS)
    if unknown:
        raise TypeError(f"period_update() got unexpected fields: {', '.join(sorted(unknown))}")
    ages = {
        key: fields.pop(key)
        for key in ("age_min", "age_max", "age_reference_date")
        if key in fields
    }
    new_year = fields.get("year", period.year)
    if new_year != period.year and period.applications.exists():
        raise PeriodError(
            errors={
                "year": [
                    _(
                        "People have already applied in this period, so its budget year can no "
                        "longer change (one application per applicant per year)."
                    )
                ]
            }
        )
    new_type = fields.get("procurement_type", period.procurement_type)
    if new_type != period.procurement_type and period.formations.exists():
        raise PeriodError(
            errors={
                "procurement_type": [
                    _(
                        "This period already has formations for %(asn_type)s, so its procurement "
                        "type cannot change."
                    )
                    % {"asn_type": ASN_TYPE_FOR_PROCUREMENT[period.procurement_type]}
                ]
            }
        )
    for key, value in fields.items():
        setattr(period, key, value)
    if ages:
        _apply_defaults(
            period,
            age_min=ages.get("age_min", period.age_min),
            age_max=ages.get("age_max", period.age_max),
            age_reference_date=ages.get("age_reference_date", period.age_reference_date),
        )
    return _period_save(period)


def period_set_published(*, period: SelectionPeriod, published: bool) -> SelectionPeriod:
    if not published and period.applications.exists():
        # Applicants must keep seeing the selection they are in (and be able to withdraw).
        raise PeriodError(_("People have applied in this period, so it stays published."))
    SelectionPeriod.objects.filter(pk=period.pk).update(is_published=published)
    period.is_published = published
    return period


# --- formations ---------------------------------------------------------------------------


def _duplicate_message(position: Position, asn_type: str, category: str) -> str:
    return _(
        "This period already has a formation for %(position)s as %(asn_type)s in the category "
        "“%(category)s”. Change the existing one instead, or choose another category."
    ) % {
        "position": position,
        "asn_type": asn_type,
        "category": FormationCategory(category).label,
    }


def _check_asn_type(period: SelectionPeriod, asn_type: str) -> None:
    expected = ASN_TYPE_FOR_PROCUREMENT.get(period.procurement_type)
    if expected and asn_type != expected:
        raise PeriodError(
            errors={
                "asn_type": [
                    _(
                        "A %(procurement)s selection recruits %(expected)s only "
                        "(one procurement type per year, PermenPANRB 6/2024)."
                    )
                    % {"procurement": period.procurement_type, "expected": expected}
                ]
            }
        )


def _formation_save(formation: Formation, required_slugs: Iterable[str]) -> Formation:
    _check_asn_type(formation.period, formation.asn_type)
    try:
        # The uniqueness of (period, position, type, category) is checked below, with our own
        # message; the database constraint still decides when two requests race.
        formation.full_clean(validate_constraints=False)
    except ValidationError as error:
        raise PeriodError.from_validation(error) from None
    duplicate = (
        Formation.objects.filter(
            period=formation.period,
            position=formation.position,
            asn_type=formation.asn_type,
            category=formation.category,
        )
        .exclude(pk=formation.pk)
        .exists()
    )
    message = _duplicate_message(formation.position, formation.asn_type, formation.category)
    if duplicate:
        raise PeriodError(message)
    try:
        with transaction.atomic():
            formation.save()
    except IntegrityError:
        raise PeriodError(message) from None
    formation.required_documents.set(
        DocumentRequirement.objects.filter(period=formation.period, slug__in=list(required_slugs))
    )
    return formation


@transaction.atomic
def formation_create(
    *,
    period: SelectionPeriod,
    position: Position,
    asn_type: str,
    category: str,
    quota: int,
    education_level: str,
    accepted_programmes: str = "",
    required_slugs: Iterable[str] | None = None,
    extra_criteria: str = "",
    age_max_override: int | None = None,
    source_proposal_item: ProposalItem | None = None,
    informing_topics=(),
) -> Formation:
    """A new, unpublished formation. Its document slots default to the standard required ones."""
    formation = Formation(
        period=period,
        position=position,
        asn_type=asn_type,
        category=category,
        quota=quota,
        education_level=education_level,
        accepted_programmes=accepted_programmes,
        extra_criteria=extra_criteria,
        age_max_override=age_max_override,
        source_proposal_item=source_proposal_item,
        is_published=False,
    )
    slugs = default_required_slugs() if required_slugs is None else required_slugs
    formation = _formation_save(formation, slugs)
    formation.informing_topics.set(informing_topics)
    return formation


@transaction.atomic
def formation_update(
    *,
    formation: Formation,
    position: Position,
    asn_type: str,
    category: str,
    quota: int,
    education_level: str,
    accepted_programmes: str = "",
    required_slugs: Iterable[str] = (),
    extra_criteria: str = "",
    age_max_override: int | None = None,
    informing_topics=(),
) -> Formation:
    """Change a formation. Once someone has applied, what the vacancy is (position, ASN type,
    category) stays fixed: those applicants chose exactly that."""
    identity = (position.pk, asn_type, category)
    if identity != (formation.position_id, formation.asn_type, formation.category) and (
        Application.objects.filter(formation=formation).exists()
    ):
        raise PeriodError(
            _(
                "People have already applied to this formation, so its position, ASN type and "
                "category can no longer change. Create a new formation instead."
            )
        )
    formation.position = position
    formation.asn_type = asn_type
    formation.category = category
    formation.quota = quota
    formation.education_level = education_level
    formation.accepted_programmes = accepted_programmes
    formation.extra_criteria = extra_criteria
    formation.age_max_override = age_max_override
    formation = _formation_save(formation, required_slugs)
    formation.informing_topics.set(informing_topics)
    return formation


def formation_set_published(*, formation: Formation, published: bool) -> Formation:
    if not published and formation.applications.exists():
        raise PeriodError(_("People have applied to this formation, so it stays published."))
    Formation.objects.filter(pk=formation.pk).update(is_published=published)
    formation.is_published = published
    return formation


def programmes_from_fields(education_fields: str) -> str:
    """A position's comma-separated study programmes as a formation's one-per-line list."""
    return "\n".join(part.strip() for part in education_fields.split(",") if part.strip())


@transaction.atomic
def formations_from_proposal(
    *, proposal: FormationProposal, period: SelectionPeriod, user
) -> list[Formation]:
    """One unpublished formation per item of an approved proposal, for HR to review and publish.

    Safe to run again: items that already have a formation in this period are skipped, and so
    are items whose ASN type the period does not recruit (a CPNS period takes the PNS items, a
    PPPK period the PPPK ones). Returns the formations created now."""
    proposal = FormationProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != FormationProposal.Status.APPROVED:
        raise PeriodError(
            _("Only an approved proposal can become formations; “%(title)s” is %(status)s.")
            % {"title": proposal.title, "status": proposal.get_status_display().lower()}
        )
    expected = ASN_TYPE_FOR_PROCUREMENT.get(period.procurement_type)
    taken = set(
        Formation.objects.filter(period=period).values_list("position_id", "asn_type", "category")
    )
    done = set(
        Formation.objects.filter(period=period, source_proposal_item__proposal=proposal)
        .values_list("source_proposal_item_id", flat=True)
    )  # fmt: skip
    slugs = default_required_slugs()
    created = []
    for item in proposal.items.select_related("position", "position__unit"):
        key = (item.position_id, item.asn_type, FormationCategory.UMUM)
        if item.pk in done or key in taken or (expected and item.asn_type != expected):
            continue
        try:
            formation = formation_create(
                period=period,
                position=item.position,
                asn_type=item.asn_type,
                category=FormationCategory.UMUM,
                quota=item.count,
                education_level=item.position.education_level,
                accepted_programmes=programmes_from_fields(item.position.education_fields),
                required_slugs=slugs,
                source_proposal_item=item,
            )
        except PeriodError as error:
            # Usually a parallel run created it a moment ago: the result is the same.
            logger.warning("formations_from_proposal: item %s skipped: %s", item.pk, error)
            continue
        created.append(formation)
    logger.info(
        "formations_from_proposal: proposal=%s period=%s user=%s created=%s",
        proposal.pk,
        period.pk,
        getattr(user, "pk", None),
        len(created),
    )
    return created
