"""The optimisation of unfilled formations (docs/domain.md 1.10): proposals of the next-best
applicants who passed the passing grade, and HR's confirmation or refusal of each.

A confirmation is checked again when it is made, under locks (the formation row, then the
applicant's result), so that two confirmations at once cannot fill the same last place or place
the same applicant twice."""

from collections import defaultdict
from fractions import Fraction

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from recruitment.defaults import OPTIMISATION_CODES
from recruitment.models import (
    PASSED_CODES,
    AdminResult,
    Application,
    ApplicationEvent,
    Appointment,
    Decision,
    ExamResult,
    FinalCode,
    Formation,
    FormationCategory,
    Milestone,
    OptimisationCode,
    OptimisationOffer,
    Presence,
    SelectionPeriod,
)
from recruitment.services.decisions import decision_log
from recruitment.services.rank_rules import (
    READ_FIELDS,
    final_rule_key,
    final_score_exact,
    pppk_rule_key,
    skb_outcome,
    skb_parts_and_scores,
)
from recruitment.services.score_rules import RankingError


def _location(formation_id: int, units: dict) -> int:
    return units[formation_id]


def _kind(category: str) -> str:
    return (
        OptimisationCode.Kind.UMUM
        if category == FormationCategory.UMUM
        else (OptimisationCode.Kind.KHUSUS)
    )


def optimisation_codes_ensure() -> dict[tuple[str, str, bool], str]:
    """{(from kind, into kind, same location): code}, the reference rows created when missing
    (a flushed database)."""
    for from_kind, to_kind, same_location, code in OPTIMISATION_CODES:
        OptimisationCode.objects.get_or_create(
            from_kind=from_kind,
            to_kind=to_kind,
            same_location=same_location,
            defaults={"code": code},
        )
    return {
        (row.from_kind, row.to_kind, row.same_location): row.code
        for row in OptimisationCode.objects.all()
    }


def _filled(period: SelectionPeriod | int, formation: Formation | None = None) -> dict[int, int]:
    """Places taken per formation (or in one formation): who passed in it (L) or was placed in
    it by optimisation, unless they declined or their appointment was cancelled (the place is
    free again)."""
    given_back = (Appointment.Status.DECLINED, Appointment.Status.CANCELLED)
    rows = ExamResult.objects.filter(
        application__period=period,
        application__status=Application.Status.SUBMITTED,
        final_code__in=PASSED_CODES,
    )
    if formation is not None:
        rows = rows.filter(
            Q(application__formation=formation, placed_formation__isnull=True)
            | Q(application__formation=formation, final_code=FinalCode.L)
            | Q(placed_formation=formation)
        )
    rows = rows.exclude(application__appointment__status__in=given_back).values_list(
        "application__formation_id", "placed_formation_id", "final_code"
    )
    filled: dict[int, int] = defaultdict(int)
    for own, placed, code in rows:
        filled[placed if placed and code != FinalCode.L else own] += 1
    return filled


def _candidates(period: SelectionPeriod) -> list[dict]:
    """Who may be offered a place: passed the passing grade (CPNS) or was ranked (PPPK), not
    passed, not absent, disqualified or eliminated, not given back a place; each with its
    order key by the rules of the final ranking (never the registration number)."""
    given_back = (Appointment.Status.DECLINED, Appointment.Status.CANCELLED)
    rows = list(
        ExamResult.objects.filter(
            application__period=period,
            application__status=Application.Status.SUBMITTED,
            application__announced_result=AdminResult.MS,
        )
        .filter(Q(skd_passed=True) if not period.is_pppk else Q(final_rank__isnull=False))
        .exclude(final_code__in=[*PASSED_CODES, FinalCode.TH, FinalCode.DIS, FinalCode.TMS1])
        .exclude(application__appointment__status__in=given_back)
        .values(
            *READ_FIELDS,
            "application__formation__position__name",
            "application__formation__education_level",
        )
    )
    if period.is_pppk:
        priority = {group: index for index, group in enumerate(period.priority_order())}
        for row in rows:
            parts = (row["teknis"], row["manajerial"], row["sosiokultural"], row["wawancara"])
            row["_total"] = sum(parts)
            row["_key"] = pppk_rule_key(period, row, priority)
        return rows
    parts, scores = skb_parts_and_scores(period)
    skd_max = period.skd_twk_max + period.skd_tiu_max + period.skd_tkp_max
    for row in rows:
        row["skd_total"] = row["twk"] + row["tiu"] + row["tkp"]
        row["_skb_max"] = period.skb_max
        ratio = None
        if row["skb_presence"] == Presence.PRESENT:
            ratio, _eliminated = skb_outcome(
                row, parts.get(row["application__formation_id"], []), scores
            )
        row["_exact"] = (
            final_score_exact(
                skd_total=row["skd_total"],
                skd_max=skd_max,
                ratio=ratio,
                skd_weight=period.skd_weight,
                skb_weight=period.skb_weight,
            )
            if ratio is not None
            else Fraction(-1)  # no SKB: after everyone who sat it
        )
        row["_key"] = final_rule_key(row)
    return rows


@transaction.atomic
def optimisation_propose(*, period: SelectionPeriod) -> list[OptimisationOffer]:
    """Propose, for each formation with fewer places taken than its quota, the next-best
    applicants with the same position name and education level (docs/domain.md 1.10), in the
    order of the final ranking's rules: first those of the formation itself (a place someone
    declined or lost by a correction; they pass as L), then other formations. A special
    (khusus) formation is offered first to general applicants at the same location, then
    elsewhere, then to special applicants; a general one to applicants at the same location
    first. The code of each offer comes from the optimisation codes (U-1, U-3, E-1..., L-1,
    L-2). Applicants identical on every rule at the last place are all proposed: HR confirms
    one. Offers still waiting count as filling a place; an applicant gets one open offer at a
    time; a declined place is free again."""
    SelectionPeriod.objects.select_for_update().filter(pk=period.pk).first()
    codes = optimisation_codes_ensure()
    live = (OptimisationOffer.Status.PROPOSED, OptimisationOffer.Status.CONFIRMED)
    formations = list(
        Formation.objects.filter(period=period)
        .select_related("position")
        .annotate(
            offered=Count(
                "optimisation_offers",
                filter=Q(optimisation_offers__status=OptimisationOffer.Status.PROPOSED),
                distinct=True,
            ),
        )
        .order_by("pk")
    )
    filled = _filled(period)
    gaps = {f.pk: f.quota - filled.get(f.pk, 0) - f.offered for f in formations}
    gaps = {pk: gap for pk, gap in gaps.items() if gap > 0}
    if not gaps:
        return []
    units = {f.pk: f.position.unit_id for f in formations}
    categories = {f.pk: f.category for f in formations}
    candidates = _candidates(period)
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
        if need <= 0:
            continue
        target_kind = _kind(formation.category)
        eligible = []
        for row in candidates:
            source = row["application__formation_id"]
            if (
                row["application_id"] in busy
                or (formation.pk, row["application_id"]) in tried
                or row["application__formation__position__name"] != formation.position.name
                or row["application__formation__education_level"] != formation.education_level
            ):
                continue
            if source == formation.pk:
                # A place given back (declined, cancelled) goes first to the next-best of the
                # formation itself, who then passes in it (L).
                eligible.append(((0, False, False), row["_key"], row, FinalCode.L))
                continue
            same = units[source] == formation.position.unit_id
            source_kind = _kind(categories[source])
            if target_kind == OptimisationCode.Kind.KHUSUS:
                group = (1, source_kind != OptimisationCode.Kind.UMUM, not same)
            else:
                group = (1, False, not same)
            eligible.append((group, row["_key"], row, codes[(source_kind, target_kind, same)]))
        eligible.sort(key=lambda item: (item[0], item[1]))
        last = None
        for taken, (group, key, row, code) in enumerate(eligible):
            # Past the places needed, only those identical to the last one on every rule.
            if taken >= need and (group, key) != last:
                break
            proposals.append(
                OptimisationOffer(
                    formation=formation, application_id=row["application_id"], code=code
                )
            )
            busy.add(row["application_id"])
            last = (group, key)
        candidates = [row for row in candidates if row["application_id"] not in busy]
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
        own = offer.formation_id == result.application.formation_id
        result.final_code = offer.code
        result.placed_formation_id = None if own else offer.formation_id
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
            note=(
                _("A place in your formation became free: you pass (%(code)s).")
                if own
                else _(
                    "You passed by optimisation (%(code)s): you are placed in the formation "
                    "%(formation)s."
                )
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
    if result.final_code in PASSED_CODES or placed_elsewhere:
        raise RankingError(
            _("This applicant has already passed (%(code)s): decline the offer.")
            % {"code": result.final_code}
        )
    taken = _filled(formation.period_id, formation=formation).get(formation.pk, 0)
    if taken >= formation.quota:
        raise RankingError(
            _(
                "This formation has no free place left (%(taken)s of %(quota)s filled): decline "
                "the offer."
            )
            % {"taken": taken, "quota": formation.quota}
        )
