"""The optimisation of unfilled formations (docs/domain.md 1.10): proposals of the next-best
applicants who passed the passing grade, and HR's confirmation or refusal of each.

A confirmation is checked again when it is made, under locks (the formation row, then the
applicant's result), so that two confirmations at once cannot fill the same last place or place
the same applicant twice."""

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from recruitment.models import (
    AdminResult,
    Application,
    ApplicationEvent,
    Decision,
    ExamResult,
    FinalCode,
    Formation,
    Milestone,
    OptimisationOffer,
    SelectionPeriod,
)
from recruitment.services.decisions import decision_log
from recruitment.services.score_rules import FILLED_CODES, RankingError, period_check_cpns


def _candidate_key(row):
    score = row["final_score"]
    return (
        score is None,
        -(score or 0),
        -(row["skd_total"] or 0),
        -(row["tkp"] or 0),
        -(row["tiu"] or 0),
        -(row["twk"] or 0),
        row["application__registration_number"] or "",
    )


@transaction.atomic
def optimisation_propose(*, period: SelectionPeriod) -> list[OptimisationOffer]:
    """Propose, for each formation with fewer passed (L, L-1, L-2) than its quota, the next-best
    applicants of other formations of the period with the same position name and education
    level who passed the passing grade and did not pass their own formation. Offers still
    waiting count as filling a place; an applicant gets one open offer at a time."""
    period_check_cpns(period)
    SelectionPeriod.objects.select_for_update().filter(pk=period.pk).first()
    live = (OptimisationOffer.Status.PROPOSED, OptimisationOffer.Status.CONFIRMED)
    formations = list(
        Formation.objects.filter(period=period)
        .select_related("position")
        .annotate(
            passed=Count(
                "applications",
                filter=Q(applications__exam_result__final_code=FinalCode.L)
                & Q(applications__status=Application.Status.SUBMITTED),
                distinct=True,
            ),
            offered=Count(
                "optimisation_offers",
                filter=Q(optimisation_offers__status__in=live),
                distinct=True,
            ),
        )
        .order_by("pk")
    )
    gaps = {f.pk: f.quota - f.passed - f.offered for f in formations}
    gaps = {pk: gap for pk, gap in gaps.items() if gap > 0}
    if not gaps:
        return []
    candidates = list(
        ExamResult.objects.filter(
            application__period=period,
            application__status=Application.Status.SUBMITTED,
            application__announced_result=AdminResult.MS,
            skd_passed=True,
        )
        .exclude(final_code__in=[*FILLED_CODES, FinalCode.TH, FinalCode.DIS])
        .values(
            "application_id",
            "final_score",
            "skd_total",
            "twk",
            "tiu",
            "tkp",
            "application__registration_number",
            "application__formation_id",
            "application__formation__position__name",
            "application__formation__position__unit_id",
            "application__formation__education_level",
        )
    )
    candidates.sort(key=_candidate_key)
    offers = list(
        OptimisationOffer.objects.filter(formation__period=period).values_list(
            "formation_id", "application_id", "status"
        )
    )
    busy = {application for _f, application, status in offers if status in live}
    tried = {(formation, application) for formation, application, _s in offers}
    proposals = []
    for formation in formations:
        need = gaps.get(formation.pk, 0)
        for row in candidates:
            if need <= 0:
                break
            if (
                row["application_id"] in busy
                or (formation.pk, row["application_id"]) in tried
                or row["application__formation_id"] == formation.pk
                or row["application__formation__position__name"] != formation.position.name
                or row["application__formation__education_level"] != formation.education_level
            ):
                continue
            unit = row["application__formation__position__unit_id"]
            same_unit = unit == formation.position.unit_id
            proposals.append(
                OptimisationOffer(
                    formation=formation,
                    application_id=row["application_id"],
                    code=FinalCode.L1 if same_unit else FinalCode.L2,
                )
            )
            busy.add(row["application_id"])
            need -= 1
    return OptimisationOffer.objects.bulk_create(proposals)


@transaction.atomic
def optimisation_decide(*, offer: OptimisationOffer, confirm: bool, actor) -> OptimisationOffer:
    """Confirm (the applicant passes as L-1/L-2 in the formation) or decline an offer. Only a
    proposed offer can be decided: the conditional update makes a second click a no-op. A
    confirmation is refused when, since the proposal, the applicant has passed somewhere (L, L-1,
    L-2) or withdrawn, or the formation has been filled; the applicant's timeline gets the new
    formation and code."""
    formation = None
    if confirm:
        # Confirmations for one formation queue here, so the last place is given only once.
        formation = (
            Formation.objects.select_for_update(of=("self",))
            .select_related("position", "position__unit")
            .get(pk=offer.formation_id)
        )
    status = OptimisationOffer.Status.CONFIRMED if confirm else OptimisationOffer.Status.DECLINED
    now = timezone.now()
    claimed = OptimisationOffer.objects.filter(
        pk=offer.pk, status=OptimisationOffer.Status.PROPOSED
    ).update(status=status, decided_by=actor, decided_at=now)
    if not claimed:
        raise RankingError(_("This offer has already been decided."))
    offer.refresh_from_db()
    if confirm:
        result = (
            ExamResult.objects.select_for_update(of=("self",))
            .select_related("application")
            .get(application_id=offer.application_id)
        )
        _check_still_free(offer, formation, result)
        before = result.final_code
        result.final_code = offer.code
        result.placed_formation_id = offer.formation_id
        result.save(update_fields=["final_code", "placed_formation", "updated_at"])
        decision_log(
            application=result.application,
            kind=Decision.Kind.OPTIMISATION,
            actor=actor,
            subject="final_code",
            before=before,
            after=f"{offer.code} ({offer.formation_id})",
            reason=_("Placed in %(formation)s by optimisation.") % {"formation": formation},
        )
        ApplicationEvent.objects.create(
            application_id=offer.application_id,
            status=Milestone.FINAL_RESULT,
            note=_(
                "You passed by optimisation (%(code)s): you are placed in the formation "
                "%(formation)s."
            )
            % {"code": offer.code, "formation": formation},
            actor=actor,
            at=now,
        )
    return offer


def _check_still_free(offer: OptimisationOffer, formation: Formation, result: ExamResult) -> None:
    """The proposal may be days old: check again what it assumed (the caller holds the locks)."""
    if result.application.status != Application.Status.SUBMITTED:
        raise RankingError(_("This applicant has withdrawn: decline the offer."))
    placed_elsewhere = (
        OptimisationOffer.objects.filter(
            application_id=offer.application_id, status=OptimisationOffer.Status.CONFIRMED
        )
        .exclude(pk=offer.pk)
        .exists()
    )
    if result.final_code in FILLED_CODES or placed_elsewhere:
        raise RankingError(
            _("This applicant has already passed (%(code)s): decline the offer.")
            % {"code": result.final_code}
        )
    taken = ExamResult.objects.filter(
        Q(
            application__formation_id=formation.pk,
            application__status=Application.Status.SUBMITTED,
            final_code=FinalCode.L,
        )
        | Q(placed_formation_id=formation.pk, final_code__in=[FinalCode.L1, FinalCode.L2])
    ).count()
    if taken >= formation.quota:
        raise RankingError(
            _(
                "This formation has no free place left (%(taken)s of %(quota)s filled): decline "
                "the offer."
            )
            % {"taken": taken, "quota": formation.quota}
        )
