"""Reads for the scores and ranking pages: the merit list and its boundary ties, the imports,
the optimisation offers, what the SKD and final announcements wait for, and the applicant's own
explained result."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
)
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.db import count_of
from core.numbers import number
from recruitment.models import (
    PASSED_CODES,
    AdminResult,
    Announcement,
    Application,
    ExamResult,
    FinalCode,
    Formation,
    OptimisationOffer,
    PassingGrade,
    Presence,
    ScoreImport,
    SelectionPeriod,
    SkdCode,
)
from recruitment.rules import period_announcements

# --- HR -----------------------------------------------------------------------------------------


def merit_list(
    period: SelectionPeriod, *, formation: Formation | None = None, skd_code="", final_code=""
) -> QuerySet[ExamResult]:
    """The period's results best first within each formation, with the application, the
    formation and the profile joined: one query per page whatever the number of rows."""
    results = (
        ExamResult.objects.filter(application__period=period)
        .exclude(application__status=Application.Status.DRAFT)
        .select_related(
            "application",
            "application__formation",
            "application__formation__position",
            "application__formation__position__unit",
            "application__applicant",
            "application__applicant__applicant_profile",
            "placed_formation",
            "placed_formation__position",
        )
    )
    if formation is not None:
        results = results.filter(application__formation=formation)
    if skd_code:
        results = results.filter(skd_code=skd_code)
    if final_code:
        results = results.filter(final_code=final_code)
    return results.order_by(
        "application__formation__position__unit__name",
        "application__formation__position__name",
        "application__formation_id",
        F("final_rank").asc(nulls_last=True),
        F("skd_rank").asc(nulls_last=True),
        F("skd_total").desc(nulls_last=True),
        "application__registration_number",
    )


def boundary_ties(period: SelectionPeriod) -> dict[int, tuple[int, int]]:
    """Formations where applicants identical on every rule of the ranking straddle the quota
    (the ranking marks them, comparing exact scores): formation id -> the first and last final
    rank of the tied group. Only the registration number orders them, which is no rule: HR
    decides (docs/domain.md 1.8). One grouped query."""
    groups = (
        ExamResult.objects.filter(application__period=period, boundary_tie=True)
        .values("application__formation_id")
        .annotate(first=Min("final_rank"), last=Max("final_rank"))
        .order_by()
    )
    return {g["application__formation_id"]: (g["first"], g["last"]) for g in groups}


def period_formations(period: SelectionPeriod) -> QuerySet[Formation]:
    return (
        Formation.objects.filter(period=period)
        .select_related("position", "position__unit")
        .order_by("position__unit__name", "position__name", "pk")
    )


def code_counts(period: SelectionPeriod) -> dict[str, list[tuple[str, str, int]]]:
    """Counts per SKD code and per final code: two grouped queries."""
    base = ExamResult.objects.filter(application__period=period)
    skd = dict(base.exclude(skd_code="").values_list("skd_code").annotate(n=Count("pk")))
    final = dict(base.exclude(final_code="").values_list("final_code").annotate(n=Count("pk")))
    return {
        "skd": [(value, label, skd.get(value, 0)) for value, label in SkdCode.choices],
        "final": [(value, label, final.get(value, 0)) for value, label in FinalCode.choices],
    }


def score_imports(period: SelectionPeriod) -> QuerySet[ScoreImport]:
    return (
        ScoreImport.objects.filter(period=period)
        .select_related("uploaded_by")
        .defer("rows", "errors")
        .order_by("-uploaded_at")
    )


def score_import_get(pk: int) -> ScoreImport:
    return get_object_or_404(ScoreImport.objects.select_related("period", "uploaded_by"), pk=pk)


def application_get(pk: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related(
            "period", "formation", "formation__position", "formation__position__unit", "applicant"
        ).exclude(status=Application.Status.DRAFT),
        pk=pk,
    )


def optimisation_offers(period: SelectionPeriod) -> QuerySet[OptimisationOffer]:
    return (
        OptimisationOffer.objects.filter(formation__period=period)
        .select_related(
            "formation",
            "formation__position",
            "formation__position__unit",
            "application",
            "application__formation",
            "application__formation__position",
            "application__formation__position__unit",
            "application__exam_result",
            "decided_by",
        )
        .order_by("status", "formation__position__name", "proposed_at", "pk")
    )


def offer_get(pk: int) -> OptimisationOffer:
    return get_object_or_404(
        OptimisationOffer.objects.select_related("formation", "formation__period", "application"),
        pk=pk,
    )


# --- what the SKD and final announcements wait for ---------------------------------------------

RANKED_STATUSES = (Application.Status.SUBMITTED, Application.Status.WITHDRAWN)


def ranking_problems(period: SelectionPeriod, kind: str) -> list[str]:
    """Why the SKD or final announcement cannot be published yet, as far as the scores and the
    ranking go; empty when it can. One query (the applications, their results joined).

    - Every finalised or withdrawn application needs a result ranked after its last score
      change (score writes clear `ranked_at`), with a code that still matches its status and
      administrative result (a withdrawal or an appeal answered after the ranking).
    - SKD: every applicant still in the selection with MS after the appeals needs an SKD
      attendance (present with scores, absent or disqualified).
    - Final: every applicant ranked in for the SKB (P/L) needs an SKB attendance."""
    submitted = Q(status=Application.Status.SUBMITTED)
    withdrawn = Q(status=Application.Status.WITHDRAWN)
    tms = submitted & Q(announced_result=AdminResult.TMS)
    no_result = Q(exam_result__isnull=True)
    facts = Application.objects.filter(period=period, status__in=RANKED_STATUSES).aggregate(
        total=Count("exam_result"),
        stale=Count(
            "pk",
            filter=no_result
            | Q(exam_result__ranked_at__isnull=True)
            | (withdrawn & ~Q(exam_result__final_code=FinalCode.APS))
            | (tms & ~Q(exam_result__final_code=FinalCode.TMS))
            | (
                submitted
                & ~Q(announced_result=AdminResult.TMS)
                & Q(exam_result__final_code__in=[FinalCode.APS, FinalCode.TMS])
            ),
        ),
        no_skd=Count(
            "pk",
            filter=submitted
            & Q(announced_result=AdminResult.MS)
            & (no_result | Q(exam_result__skd_presence="")),
        ),
        no_skb=Count(
            "pk",
            filter=submitted & Q(exam_result__skd_code=SkdCode.PL, exam_result__skb_presence=""),
        ),
        no_pppk=Count(
            "pk",
            filter=submitted
            & Q(announced_result=AdminResult.MS)
            & (no_result | Q(exam_result__pppk_presence="")),
        ),
    )
    problems = []
    if not facts["total"]:
        problems.append(_("The ranking has not been computed yet."))
    elif facts["stale"]:
        count = facts["stale"]
        problems.append(
            ngettext(
                "%(count)s exam result is not ranked on its current scores and status: compute "
                "the ranking again.",
                "%(count)s exam results are not ranked on their current scores and status: "
                "compute the ranking again.",
                count,
            )
            % {"count": count}
        )
    if kind == Announcement.Kind.SKD and facts["no_skd"]:
        count = facts["no_skd"]
        problems.append(
            ngettext(
                "%(count)s applicant who met the requirements after the appeals has no SKD "
                "attendance recorded: import or enter their SKD result (present with scores, "
                "absent or disqualified).",
                "%(count)s applicants who met the requirements after the appeals have no SKD "
                "attendance recorded: import or enter their SKD results (present with scores, "
                "absent or disqualified).",
                count,
            )
            % {"count": count}
        )
    if kind == Announcement.Kind.FINAL and period.is_pppk and facts["no_pppk"]:
        problems.append(
            ngettext(
                "%(count)s applicant who met the requirements after the appeals has no competency "
                "test attendance recorded: import or enter their scores (present with scores, "
                "absent or disqualified).",
                "%(count)s applicants who met the requirements after the appeals have no "
                "competency test attendance recorded: import or enter their scores (present with "
                "scores, absent or disqualified).",
                facts["no_pppk"],
            )
            % {"count": facts["no_pppk"]}
        )
    if kind == Announcement.Kind.FINAL and not period.is_pppk and facts["no_skb"]:
        problems.append(
            ngettext(
                "%(count)s applicant ranked in for the SKB (P/L) has no SKB attendance recorded: "
                "import or enter their SKB result.",
                "%(count)s applicants ranked in for the SKB (P/L) have no SKB attendance "
                "recorded: import or enter their SKB results.",
                facts["no_skb"],
            )
            % {"count": facts["no_skb"]}
        )
    return problems


# --- the applicant's explained result -----------------------------------------------------------


@dataclass
class PartResult:
    label: str
    score: object
    minimum: int | None
    passed: bool | None
    maximum: int | None = None


@dataclass
class ApplicantResult:
    """What the applicant may see of their exam result, and why. `stage` is "" until the SKD
    result is announced, then "skd", then "final"."""

    stage: str = ""
    presence: str = ""
    parts: list[PartResult] = field(default_factory=list)
    skd_total: int | None = None
    skd_passed: bool | None = None
    skd_rank: int | None = None
    passers: int = 0
    quota: int = 0
    cutoff: int = 0
    skb: Decimal | None = None
    final_score: Decimal | None = None
    final_rank: int | None = None
    finalists: int = 0
    code: str = ""
    code_label: str = ""
    why: str = ""
    pppk: bool = False  # a PPPK competency test result (no SKD and SKB)
    graded: bool = True  # minimums apply (a PPPK period may rank without passing grades)


def _ordinal(number: int) -> str:
    return _("no. %(rank)s") % {"rank": number}


def _formation_count(**filters):
    """The number of results of the application's formation matching `filters`, as a
    subquery of the result's own query."""
    return count_of(
        ExamResult.objects.filter(
            application__formation_id=OuterRef("application__formation_id"), **filters
        )
    )


def _announced(kind: str):
    return Exists(
        Announcement.objects.filter(period_id=OuterRef("application__period_id"), kind=kind)
    )


def applicant_result(application: Application, *, announcements=None) -> ApplicantResult:
    """The result of the last announced stage, explained. Nothing before the SKD announcement.

    Whether the SKD or final result is announced comes from the period's announcements
    (`period_announcements`: kept in the cache, since the status page of every applicant asks,
    at the registration deadline too); no query until it is. Then at most two, whatever
    the caller loaded: the result with its application, period, formation and placement, the
    announcements and the formation's counts as subqueries; and the category's passing grade,
    only when there is an SKD total to compare with it."""
    if announcements is None:
        announcements = period_announcements(application.period_id)
    announced = announcements.keys() & {
        Announcement.Kind.SKD,
        Announcement.Kind.FINAL,
    }
    if not announced:
        return ApplicantResult()
    result = (
        ExamResult.objects.filter(application_id=application.pk)
        .select_related(
            "application__period",
            "application__formation",
            "placed_formation__position__unit",
        )
        .annotate(
            skd_announced=_announced(Announcement.Kind.SKD),
            final_announced=_announced(Announcement.Kind.FINAL),
            passers=_formation_count(skd_passed=True),
            finalists=_formation_count(final_rank__isnull=False),
        )
        .first()
    )
    if result is None:
        return ApplicantResult(stage="pending")
    if not (result.skd_announced or result.final_announced):
        return ApplicantResult()
    if not (result.skd_code or result.final_code):
        return ApplicantResult(stage="pending")
    application = result.application
    formation = application.formation
    period = application.period
    info = ApplicantResult(
        stage=Announcement.Kind.FINAL if result.final_announced else Announcement.Kind.SKD,
        presence=result.skd_presence,
        skd_total=result.skd_total,
        skd_passed=result.skd_passed,
        skd_rank=result.skd_rank,
        passers=result.passers,
        quota=formation.quota,
        cutoff=period.skb_multiplier * formation.quota,
    )
    if period.is_pppk:
        return _pppk_result(info, result, application)
    if result.skd_total is not None:
        grade = PassingGrade.objects.filter(period=period, category=formation.category).first()
        minimums = [
            ("TWK", result.twk, grade.twk_min if grade else None),
            ("TIU", result.tiu, grade.tiu_min if grade else None),
            ("TKP", result.tkp, grade.tkp_min if grade else None),
            (_("SKD total"), result.skd_total, grade.total_min if grade else None),
        ]
        info.parts = [
            PartResult(label, score, minimum, None if minimum is None else score >= minimum)
            for label, score, minimum in minimums
        ]
    if info.stage == Announcement.Kind.FINAL:
        info.skb = result.skb
        info.final_score = result.final_score
        info.final_rank = result.final_rank
        info.finalists = result.finalists
        info.code = result.final_code
        info.code_label = FinalCode(result.final_code).label if result.final_code else ""
        info.why = _final_why(info, result, application)
    else:
        info.code = result.skd_code
        info.code_label = SkdCode(result.skd_code).label if result.skd_code else ""
        info.why = _skd_why(info, result, application)
    return info


def _pppk_result(info: ApplicantResult, result: ExamResult, application: Application):
    """A PPPK applicant's competency test result: the four parts (with the period's minimums
    when it sets passing grades), the total, the rank and why."""
    period = application.period
    grade = period.pppk_passing_grade
    info.pppk = True
    info.stage = Announcement.Kind.FINAL
    info.presence = result.pppk_presence
    info.graded = grade
    if result.teknis is not None:
        if grade:
            combined = (result.manajerial or 0) + (result.sosiokultural or 0)
            rows = [
                (_("Technical"), result.teknis, period.pppk_teknis_min, period.pppk_teknis_max),
                (
                    _("Managerial and socio-cultural"),
                    combined,
                    period.pppk_manajerial_sosiokultural_min,
                    period.pppk_manajerial_max + period.pppk_sosiokultural_max,
                ),
                (
                    _("Interview"),
                    result.wawancara,
                    period.pppk_wawancara_min,
                    period.pppk_wawancara_max,
                ),
            ]
        else:  # ranked without passing grades: each part out of its maximum
            rows = [
                (_("Technical"), result.teknis, None, period.pppk_teknis_max),
                (_("Managerial"), result.manajerial, None, period.pppk_manajerial_max),
                (_("Socio-cultural"), result.sosiokultural, None, period.pppk_sosiokultural_max),
                (_("Interview"), result.wawancara, None, period.pppk_wawancara_max),
            ]
        info.parts = [
            PartResult(
                label, score, minimum, None if minimum is None else score >= minimum, maximum
            )
            for label, score, minimum, maximum in rows
        ]
    info.final_score = result.final_score
    info.final_rank = result.final_rank
    info.finalists = result.finalists
    info.code = result.final_code
    info.code_label = FinalCode(result.final_code).label if result.final_code else ""
    code = result.final_code
    if code == FinalCode.APS:
        info.why = _("You withdrew your application.")
    elif code == FinalCode.TMS:
        info.why = _("You did not meet the administrative requirements after the appeals.")
    elif code == FinalCode.DIS:
        info.why = _("You were disqualified.")
    elif code == FinalCode.TH:
        info.why = _("You were recorded as absent from the competency test.")
    elif code in PASSED_CODES and code != FinalCode.L:
        info.why = _placed_why(result)
    elif result.final_rank:
        total = _(
            "Total = technical + managerial + socio-cultural + interview = %(total)s of %(max)s."
        ) % {"total": number(int(result.final_score)), "max": number(period.pppk_max)}
        ranked = ngettext(
            "You ranked %(rank)s of %(n)s ranked in your formation; the quota is %(quota)s place.",
            "You ranked %(rank)s of %(n)s ranked in your formation; the quota is %(quota)s places.",
            info.quota,
        ) % {"rank": _ordinal(result.final_rank), "n": info.finalists, "quota": info.quota}
        order = _(
            "The order: priority group first (%(groups)s), then the total, then on equal totals "
            "%(ties)s. Your group: %(group)s."
        ) % {
            "groups": period.priority_text(),
            "ties": period.tie_break_text(),
            "group": application.get_priority_group_display(),
        }
        info.why = f"{total} {ranked} {order}"
    elif code == FinalCode.TL:
        info.why = _(
            "Your scores are below a passing grade of this selection: only applicants who reach "
            "every one are ranked."
        )
    return info


def _placed_why(result: ExamResult) -> str:
    return _(
        "Your formation was full, and you were placed by optimisation in another formation "
        "with the same position and education level: %(formation)s."
    ) % {"formation": result.placed_formation}


def _skd_why(info: ApplicantResult, result: ExamResult, application: Application) -> str:
    code = result.skd_code
    if application.status == Application.Status.WITHDRAWN:
        return _("You withdrew your application, so you were not ranked.")
    if code == SkdCode.TH:
        return _("You were recorded as absent from the SKD, so you were not ranked.")
    if code == SkdCode.DIS:
        return _("You were disqualified from the SKD, so you were not ranked.")
    if code == SkdCode.TL:
        failed = [part.label for part in info.parts if part.passed is False]
        return _(
            "Your score is below the passing grade of your formation's category in: %(parts)s. "
            "Only applicants who pass it can be ranked."
        ) % {"parts": ", ".join(str(p) for p in failed)}
    if code in (SkdCode.PL, SkdCode.P):
        ranked = ngettext(
            "You passed the passing grade and ranked %(rank)s of the %(n)s applicant who "
            "passed it.",
            "You passed the passing grade and ranked %(rank)s of the %(n)s applicants who "
            "passed it.",
            info.passers,
        ) % {"rank": _ordinal(info.skd_rank), "n": info.passers}
        cutoff = ngettext(
            "The best %(cutoff)s goes to the SKB (%(multiplier)s × the quota of %(quota)s, "
            "with everyone tied with the last one).",
            "The best %(cutoff)s go to the SKB (%(multiplier)s × the quota of %(quota)s, "
            "with everyone tied with the last one).",
            info.cutoff,
        ) % {
            "cutoff": info.cutoff,
            "multiplier": application.period.skb_multiplier,
            "quota": info.quota,
        }
        sentence = f"{ranked} {cutoff}"
        if code == SkdCode.PL:
            return sentence + " " + _("You go to the SKB.")
        return sentence + " " + _("You did not rank within them.")
    return ""


def _final_why(info: ApplicantResult, result: ExamResult, application: Application) -> str:
    code = result.final_code
    period = application.period
    if code == FinalCode.APS:
        return _("You withdrew your application.")
    if code == FinalCode.TMS:
        return _("You did not meet the administrative requirements after the appeals.")
    if code == FinalCode.DIS:
        return _("You were disqualified.")
    if code == FinalCode.TH:
        stage = "SKB" if result.skb_presence == Presence.ABSENT else "SKD"
        return _("You were recorded as absent from the %(stage)s.") % {"stage": stage}
    if code in PASSED_CODES and code != FinalCode.L:
        return _placed_why(result)
    if code == FinalCode.TMS1:
        return _("You did not pass an elimination test of the SKB, so you were not ranked.")
    if result.final_rank and result.skb_weighted is not None:
        formula = _(
            "Final score = %(skd_w)s%% × (SKD %(skd)s / %(skd_max)s × 100) + %(skb_w)s%% × "
            "(SKB %(skb)s of 100, its parts weighted) = %(final)s."
        ) % {
            "skd_w": period.skd_weight,
            "skd": number(result.skd_total),
            "skd_max": period.skd_twk_max + period.skd_tiu_max + period.skd_tkp_max,
            "skb_w": period.skb_weight,
            "skb": number(result.skb_weighted),
            "final": number(result.final_score),
        }
        ranked = ngettext(
            "You ranked %(rank)s of %(n)s who sat the SKB; the quota is %(quota)s place.",
            "You ranked %(rank)s of %(n)s who sat the SKB; the quota is %(quota)s places.",
            info.quota,
        ) % {"rank": _ordinal(result.final_rank), "n": info.finalists, "quota": info.quota}
        return f"{formula} {ranked}"
    if result.final_rank:
        formula = _(
            "Final score = %(skd_w)s%% × (SKD %(skd)s / %(skd_max)s × 100) + %(skb_w)s%% × "
            "(SKB %(skb)s / %(skb_max)s × 100) = %(final)s."
        ) % {
            "skd_w": period.skd_weight,
            "skd": number(result.skd_total),
            "skd_max": period.skd_twk_max + period.skd_tiu_max + period.skd_tkp_max,
            "skb_w": period.skb_weight,
            "skb": number(result.skb),
            "skb_max": period.skb_max,
            "final": number(result.final_score),
        }
        ranked = ngettext(
            "You ranked %(rank)s of %(n)s who sat the SKB; the quota is %(quota)s place.",
            "You ranked %(rank)s of %(n)s who sat the SKB; the quota is %(quota)s places.",
            info.quota,
        ) % {"rank": _ordinal(result.final_rank), "n": info.finalists, "quota": info.quota}
        return f"{formula} {ranked}"
    if code == FinalCode.TL:
        return _skd_why(info, result, application) or _("You did not pass.")
    return ""


def score_initial(result: ExamResult | None) -> dict:
    """The scores form's initial values: every score field and each SKB part's value."""
    if result is None:
        return {}
    names = ("skd_presence", "twk", "tiu", "tkp", "skb_presence", "skb", "pppk_presence",
             "teknis", "manajerial", "sosiokultural", "wawancara")  # fmt: skip
    initial = {name: getattr(result, name) for name in names}
    for score in result.skb_scores.all():
        value = score.passed if score.passed is not None else score.score
        initial[f"skb_part_{score.part_id}"] = value
    return initial


def scores_open(period: SelectionPeriod) -> bool:
    """Whether scores may be imported and ranked now (services.score_rules.scores_stage_check)."""
    return Announcement.objects.filter(period=period, kind=Announcement.Kind.POST_APPEAL).exists()


def skd_reuse_requests(period: SelectionPeriod) -> int:
    """Applicants who asked to carry their previous SKD result and have none recorded yet."""
    if period.is_pppk or not period.skd_reuse_allowed:
        return 0
    return (
        Application.objects.filter(
            period=period, status=Application.Status.SUBMITTED, skd_reuse_requested=True
        )
        .filter(Q(exam_result__isnull=True) | Q(exam_result__skd_reused_from__isnull=True))
        .count()
    )
