"""The figures of a leadership report, read through the domain apps' own selectors so that the
report says what their pages say. Aggregates only, already through the small-cell rule (cells.py):
what is stored in LeadershipReport.figures and drawn in the PDF and the XLSX is the same, and
holds no name, NIP or count that could point to a person.

Every section is a dict of plain JSON values; a hidden cell is null."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q
from django.utils import timezone

from forums.models import IkmPeriod, IkmResponse
from forums.selectors.accountability import accountability_by_sector
from forums.selectors.ikm import ikm_results
from opendata.models import LeadershipReport
from opendata.report.cells import HIDDEN, cell, is_hidden, min_cell, protect_table
from performance.models import Checkpoint, Predikat
from performance.selectors.dashboard import distribution, latest_with_data
from recruitment.models import Application, Formation, SelectionPeriod
from recruitment.models.applications import AdminResult
from recruitment.models.appointments import Appointment
from recruitment.selectors.hr import FINALISED_STATUSES
from training.selectors.ledger import shortfall_summary
from workforce.selectors.needs import needs_positions, needs_summary, published_planning_year

FIGURES_VERSION = 1


def month_end(month: date) -> date:
    return month + relativedelta(months=1) - timedelta(days=1)


def build_figures(*, kind: str, month: date | None = None, period=None, today=None) -> dict:
    """Every section of the report. A monthly report reads the data as of the month's end where
    the data has dates (reviews, IKM rounds, JP of the year, applications finalised), and as of
    today where it has none (who holds a position now)."""
    today = today or timezone.localdate()
    if kind == LeadershipReport.Kind.MONTH:
        start, end = month, min(month_end(month), today)
    else:
        start, end = None, today
    return {
        "version": FIGURES_VERSION,
        "as_of": today.isoformat(),
        "min_cell": min_cell(),
        "staffing": staffing(end.year, previous=previous_staffing(kind=kind, month=month)),
        "recruitment": recruitment(period=period, start=start, end=end),
        "training": training(end.year),
        "performance": performance(end),
        "ikm": ikm(end),
        "answers": answers(),
    }


# --- staffing -------------------------------------------------------------------------------


def previous_staffing(*, kind: str, month: date | None) -> dict | None:
    """The staffing figures of the report to compare with: the previous month's report for a
    monthly one, the latest monthly report for a period's."""
    reports = LeadershipReport.objects.filter(kind=LeadershipReport.Kind.MONTH)
    if kind == LeadershipReport.Kind.MONTH:
        reports = reports.filter(month=month - relativedelta(months=1))
    report = reports.order_by("-month").only("figures").first()
    if report is None or not (report.figures or {}).get("staffing"):
        return None
    return {**report.figures["staffing"], "as_of": report.figures.get("as_of")}


def _totals_row(key: str, label: str, totals, before: dict) -> dict:
    previous = before.get(key)
    return {
        "key": key,
        "label": label,
        "required": totals.required,
        "current": totals.current,
        "shortage": totals.shortage,
        "surplus": totals.surplus,
        "previous_shortage": previous,
        "change": None if previous is None else totals.shortage - previous,
    }


def staffing(year: int, *, previous: dict | None) -> dict:
    """Required (ABK) and current staff, the shortage (summed per position, so a surplus in one
    position never hides a shortage in another) and its change since the previous report, by
    kelurahan and by sector: areas, not units, so no count points to a person."""
    planning_year = published_planning_year(year)
    if planning_year is None:
        return {"planning_year": None, "by_kelurahan": [], "by_sector": [], "total": None}
    summary = needs_summary(needs_positions(planning_year))
    previous = previous or {}

    def earlier(section: str) -> dict:
        return {row["key"]: row["shortage"] for row in previous.get(section, [])}

    total_before = (previous.get("total") or {}).get("shortage")
    return {
        "planning_year": planning_year.year,
        "previous_as_of": previous.get("as_of"),
        "by_kelurahan": [
            _totals_row(k.slug, k.name, t, earlier("by_kelurahan")) for k, t in summary.by_kelurahan
        ],
        "by_sector": [
            _totals_row(s.slug, s.label, t, earlier("by_sector")) for s, t in summary.by_sector
        ],
        "total": _totals_row("", "", summary.total, {"": total_before}),
    }


# --- recruitment ----------------------------------------------------------------------------

PERSON_COUNTS = ("finalised", "eligible", "not_eligible", "appointed")


def _counted(formations):
    """Formations with their applications counted (distinct: several joins)."""
    return formations.annotate(
        finalised=Count(
            "applications", filter=Q(applications__status__in=FINALISED_STATUSES), distinct=True
        ),
        eligible=Count(
            "applications", filter=Q(applications__announced_result=AdminResult.MS), distinct=True
        ),
        not_eligible=Count(
            "applications", filter=Q(applications__announced_result=AdminResult.TMS), distinct=True
        ),
        appointed=Count(
            "appointments",
            filter=Q(appointments__status=Appointment.Status.APPOINTED),
            distinct=True,
        ),
    )


def recruitment(*, period, start: date | None, end: date) -> dict:
    """Per selection period: formations, places (quota), finalised applications, the announced
    administrative results (MS/TMS) and appointments; for a period's report, the same per
    formation too, through the small-cell rule (a formation is a unit's position)."""
    if period is not None:
        periods = SelectionPeriod.objects.filter(pk=period.pk)
    else:
        # The published periods running in the month: registration opened by its end, and no
        # final announcement before it began.
        periods = SelectionPeriod.objects.filter(
            is_published=True, registration_opens_at__date__lte=end
        ).filter(Q(final_announcement_at__isnull=True) | Q(final_announcement_at__date__gte=start))
    periods = list(periods.order_by("-registration_opens_at", "pk"))
    formations = list(
        _counted(Formation.objects.filter(period__in=periods))
        .select_related("position__unit")
        .order_by("position__unit__name", "position__name", "category", "pk")
    )
    in_month = {}
    if start is not None:
        in_month = dict(
            Application.objects.filter(
                period__in=periods,
                status__in=FINALISED_STATUSES,
                submitted_at__date__gte=start,
                submitted_at__date__lte=end,
            )
            .values_list("period")
            .annotate(n=Count("pk"))
            .order_by()
        )
    rows = []
    for p in periods:
        own = [f for f in formations if f.period_id == p.pk]
        row = {
            "label": p.name,
            "formations": len(own),
            "quota": sum(f.quota for f in own),
            **{name: sum(getattr(f, name) for f in own) for name in PERSON_COUNTS},
        }
        if start is not None:
            row["finalised_in_month"] = in_month.get(p.pk, 0)
        rows.append(row)
    section = {"periods": rows, "monthly": start is not None, "formations": []}
    if period is not None and formations:
        protected, open_lines = protect_table(
            [[getattr(f, name) for name in PERSON_COUNTS] for f in formations],
            column_totals=True,
        )
        # A period of one formation: its totals are that formation's counts.
        for column, name in enumerate(PERSON_COUNTS):
            if ("column", column) in open_lines:
                rows[0][name] = HIDDEN
        section["formations"] = [
            {
                "label": f"{f.position.name} · {f.position.unit.name} ({f.get_category_display()})",
                "quota": f.quota,
                **dict(zip(PERSON_COUNTS, cells, strict=True)),
            }
            for f, cells in zip(formations, protected, strict=True)
        ]
    return section


# --- training -------------------------------------------------------------------------------


def training(year: int) -> dict:
    """PNS staff per unit and how many are short of the year's minimum JP. A unit's counts go
    through the small-cell rule, and so does the JP its short staff miss when their number is
    hidden (with one person short it would be that person's shortfall)."""
    summary = shortfall_summary(year)
    units = summary["by_unit"]
    protected, open_lines = protect_table([[u.total, u.short] for u in units], column_totals=True)
    rows = [
        {
            "label": u.label,
            "total": total,
            "short": short,
            "missing_jp": None if is_hidden(short) else u.missing_jp,
        }
        for u, (total, short) in zip(units, protected, strict=True)
    ]
    staff = sum(u.total for u in units)
    short = sum(u.short for u in units)
    total = {
        "total": staff,
        "short": short,
        "missing_jp": sum(u.missing_jp for u in units),
        "complete_percent": round(100 * (staff - short) / staff) if staff else None,
    }
    if open_lines:  # one unit: the totals are its counts
        total = {"total": cell(staff), "short": cell(short), "missing_jp": None}
        total["complete_percent"] = None
    return {
        "year": year,
        "minimum": summary["rule"].pns_min_jp,
        "by_unit": rows,
        "total": total,
    }


# --- performance ----------------------------------------------------------------------------


def performance(end: date) -> dict:
    """The predikat of the latest checkpoint with shared reviews, ending by `end`: per unit (no
    names; each count through the small-cell rule) and in all."""
    checkpoint = latest_with_data(
        Checkpoint.objects.filter(period_end__lte=end).select_related("cycle")
    )
    predikat = list(Predikat.values)
    labels = {value: str(label) for value, label in Predikat.choices}
    if checkpoint is None:
        return {"checkpoint": None, "predikat": predikat, "labels": labels, "by_unit": []}
    spread = distribution(checkpoint)
    units = spread["units"]
    # A unit's number of reviews is not published (it would be a row total to protect too);
    # each predikat's total is.
    protected, open_lines = protect_table(
        [[u.counts[p] for p in predikat] for u in units], column_totals=True
    )
    totals = [spread["total"].counts[p] for p in predikat]
    return {
        "checkpoint": str(checkpoint),
        "predikat": predikat,
        "labels": labels,
        "by_unit": [
            {"label": u.label, "counts": cells} for u, cells in zip(units, protected, strict=True)
        ],
        "total": {
            "counts": [cell(n) if ("column", i) in open_lines else n for i, n in enumerate(totals)]
        },
    }


# --- IKM and answer times -------------------------------------------------------------------


def ikm(end: date) -> dict:
    """The latest IKM round that began by `end` and has responses, per unit. A unit with fewer
    respondents than the threshold shows neither their number nor its index: an average of one
    or two answers is those people's answers."""
    period = (
        IkmPeriod.objects.filter(starts_on__lte=end)
        .filter(pk__in=IkmResponse.objects.values("period"))
        .order_by("-starts_on")
        .first()
    )
    if period is None:
        return {"period": None, "by_unit": []}
    rows = []
    for result in sorted(ikm_results(period=period), key=lambda r: r.unit.name):
        respondents = cell(result.respondents)
        enough = not is_hidden(respondents)
        rows.append(
            {
                "label": result.unit.name,
                "respondents": respondents,
                "value": float(result.converted) if enough else None,
                "grade": result.grade if enough else None,
            }
        )
    return {"period": period.name, "by_unit": rows}


def answers() -> dict:
    """Residents' topics per sector, how many have an official answer and the median days to
    the first one (topics, not persons: no small-cell rule)."""
    return {
        "by_sector": [
            {
                "label": account.sector.label,
                "topics": account.total,
                "answered": account.answered,
                "median_days": account.median_days,
            }
            for account in accountability_by_sector()
        ]
    }
