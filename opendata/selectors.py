"""The rows of the open datasets (opendata.catalogue defines them). Each function takes the
validated filters and reads a constant number of queries whatever the number of rows; every
count of persons passes through `small_cells`. Nothing here selects a name, an identity number,
an address, a birth date or a link to an account."""

import statistics
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter

from django.conf import settings
from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from forums.models import Comment, Topic, Visibility
from forums.selectors.ikm import ikm_results
from opendata.datasets import LazyRows, complementary, small_cells
from recruitment.models import Announcement, ApplicationEvent, ExamResult, SelectionPeriod
from recruitment.selectors import hr as recruitment_hr
from recruitment.selectors.announcements import MILESTONE_OF
from recruitment.selectors.vacancies import ALL, vacancy_list
from training.selectors.ledger import jp_by_unit, rule_for_year
from workforce.models import Kelurahan, Sector, Unit
from workforce.selectors.needs import needs_rows, published_planning_year

Kind = Announcement.Kind


def _share(part: int | None, whole: int | None) -> Decimal | None:
    """part / whole as a percentage with one decimal, rounded half up; None without a whole."""
    if part is None or not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _iso(value):
    return value.isoformat() if value is not None else None


def _url(name: str, pk: int) -> str:
    """The public page's full address (SITE_URL), so that a row read elsewhere still links."""
    return settings.SITE_URL.rstrip("/") + reverse(name, args=[pk])


# --- recruitment ---------------------------------------------------------------------------


def periods(filters: dict) -> list[dict]:
    published = Q(formations__is_published=True)
    queryset = SelectionPeriod.objects.filter(is_published=True).annotate(
        formation_count=Count("formations", filter=published),
        quota_total=Sum("formations__quota", filter=published),
    )
    if filters.get("year"):
        queryset = queryset.filter(year=filters["year"])
    if filters.get("period"):
        queryset = queryset.filter(pk=filters["period"])
    return [
        {
            "id": p.pk,
            "name": p.name,
            "year": p.year,
            "procurement_type": p.procurement_type,
            "registration_opens_at": _iso(p.registration_opens_at),
            "registration_closes_at": _iso(p.registration_closes_at),
            "registration_closed": p.registration_closed,
            "admin_announcement_at": _iso(p.admin_announcement_at),
            "appeal_days": p.appeal_days,
            "exam_starts_on": _iso(p.exam_starts_on),
            "exam_ends_on": _iso(p.exam_ends_on),
            "final_announcement_at": _iso(p.final_announcement_at),
            "formations": p.formation_count,
            "quota": p.quota_total or 0,
        }
        for p in queryset.order_by("-registration_opens_at", "pk")
    ]


def formations(filters: dict) -> LazyRows:
    queryset = vacancy_list(status=ALL, period=filters.get("period"), unit=filters.get("unit"))
    if filters.get("sector"):
        queryset = queryset.filter(position__unit__sector__slug=filters["sector"])
    if filters.get("kelurahan"):
        queryset = queryset.filter(position__unit__kelurahan__slug=filters["kelurahan"])
    if filters.get("year"):
        queryset = queryset.filter(period__year=filters["year"])
    if filters.get("formation"):
        queryset = queryset.filter(pk=filters["formation"])

    def row(f) -> dict:
        unit = f.position.unit
        return {
            "id": f.pk,
            "period_id": f.period_id,
            "period": f.period.name,
            "position": f.position.name,
            "unit_id": unit.pk,
            "unit": unit.name,
            "sector": unit.sector.slug,
            "kelurahan": unit.kelurahan.slug,
            "asn_type": f.asn_type,
            "category": f.category,
            "education_level": f.education_level,
            "accepted_programmes": f.accepted_programmes,
            "extra_criteria": f.extra_criteria,
            "quota": f.quota,
            "finalised_applicants": f.finalised,
            "registration_state": f.registration_state,
            "url": _url("recruitment:vacancy_detail", f.pk),
        }

    return LazyRows(queryset, row)


def recruitment_statistics(filters: dict) -> list[dict]:
    rows = []
    for group in recruitment_hr.public_statistics():
        period = group.period
        if filters.get("period") and period.pk != filters["period"]:
            continue
        if filters.get("year") and period.year != filters["year"]:
            continue
        for f in group.formations:
            rows.append(
                {
                    "period_id": period.pk,
                    "period": period.name,
                    "formation_id": f.pk,
                    "position": f.position.name,
                    "unit_id": f.position.unit_id,
                    "unit": f.position.unit.name,
                    "category": f.category,
                    "quota": f.quota,
                    "finalised_applicants": f.finalised,
                    "applicants_per_place": (Decimal(f.finalised) / Decimal(f.quota)).quantize(
                        Decimal("0.01"), ROUND_HALF_UP
                    ),
                }
            )
    return rows


def announcements(filters: dict) -> list[dict]:
    queryset = Announcement.objects.filter(period__is_published=True).select_related("period")
    if filters.get("period"):
        queryset = queryset.filter(period_id=filters["period"])
    if filters.get("announcement"):
        queryset = queryset.filter(pk=filters["announcement"])
    return [
        {
            "id": a.pk,
            "period_id": a.period_id,
            "period": a.period.name,
            "kind": a.kind,
            "kind_label": str(a.get_kind_display()),
            "published_at": _iso(a.published_at),
            "url": _url("recruitment:announcement_detail", a.pk),
        }
        for a in queryset.order_by("period__registration_opens_at", "period_id", "published_at")
    ]


RESULT_SCORES = (
    "twk",
    "tiu",
    "tkp",
    "skd_total",
    "skd_rank",
    "skb",
    "teknis",
    "manajerial",
    "sosiokultural",
    "wawancara",
    "final_score",
    "final_rank",
)
# What each kind of published list shows (templates/recruitment/announcements/
# _announcement_row.html): the API shows exactly that and leaves the other scores null, so a
# score entered after a list was published never leaks through an earlier one.
SHOWN_SCORES = {
    Kind.SKD: ("twk", "tiu", "tkp", "skd_total", "skd_rank"),
    (Kind.FINAL, False): ("skd_total", "skb", "final_score", "final_rank"),
    (Kind.FINAL, True): (
        *("teknis", "manajerial", "sosiokultural", "wawancara"),
        *("final_score", "final_rank"),
    ),
}


def announcement_results(filters: dict) -> LazyRows:
    """The rows of one published announcement (the `announcement` filter, required): its
    registration numbers, the formation, the scores the page shows and the outcome code. The
    same order and the same rows as the public page (recruitment.selectors.announcements)."""
    announcement = (
        Announcement.objects.filter(period__is_published=True, pk=filters["announcement"])
        .select_related("period")
        .first()
    )
    if announcement is None:
        raise Http404("no such published announcement")
    if announcement.kind in (Kind.ADMIN, Kind.POST_APPEAL):
        queryset = (
            ApplicationEvent.objects.filter(
                application__period_id=announcement.period_id,
                status=MILESTONE_OF[announcement.kind],
            )
            .select_related("application__formation__position__unit")
            .order_by("application__formation_id", "note", "application__registration_number")
        )
        shown = ()
    else:
        queryset = (
            ExamResult.objects.filter(
                application__period_id=announcement.period_id, ranked_at__isnull=False
            )
            .select_related("application__formation__position__unit")
            .order_by("application__formation_id", "application__registration_number")
        )
        if announcement.kind == Kind.SKD:
            shown = SHOWN_SCORES[Kind.SKD]
            outcome = "skd_code"
        else:
            shown = SHOWN_SCORES[(Kind.FINAL, announcement.period.is_pppk)]
            outcome = "final_code"
    if filters.get("registration_number"):
        queryset = queryset.filter(
            application__registration_number__icontains=filters["registration_number"]
        )

    def row(obj) -> dict:
        application = obj.application
        formation = application.formation
        values = dict.fromkeys(RESULT_SCORES)
        if shown:
            for name in shown:
                value = getattr(obj, name)
                if name == "skb" and getattr(obj, "skb_weighted", None) is not None:
                    value = obj.skb_weighted
                values[name] = value
            code = getattr(obj, outcome) or None
        else:
            code = obj.note or None
        return {
            "announcement_id": announcement.pk,
            "kind": announcement.kind,
            "registration_number": application.registration_number,
            "formation_id": formation.pk,
            "position": formation.position.name,
            "unit": formation.position.unit.name,
            "category": formation.category,
            **values,
            "outcome": code,
        }

    return LazyRows(queryset, row)


# --- workforce -----------------------------------------------------------------------------

STAFF_COUNTS = ("current", "retiring")
STAFF_DERIVED = {"current": ("gap", "shortage", "surplus", "retiring")}


def staffing(filters: dict) -> list[dict]:
    """Required and current staff and the gap, per sector, per kelurahan and per unit, from the
    published ABK of the planning year (the public summary's figures; the unit level is new):
    needs_rows' three queries, then the names."""
    year = filters.get("year") or timezone.localdate().year
    planning_year = published_planning_year(year)
    if planning_year is None:
        return []
    # needs_rows: the map's three grouped queries, whatever the size of the register.
    fields = itemgetter(
        "unit_id", "unit__sector_id", "unit__kelurahan_id", "required", "current", "retiring"
    )
    values = [fields(row) for row in needs_rows(planning_year, sort="unit")]
    totals: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    for unit_id, sector_id, kelurahan_id, required, current, retiring in values:
        for key in (("sector", sector_id), ("kelurahan", kelurahan_id), ("unit", unit_id)):
            t = totals[key]
            t[0] += 1
            t[1] += required
            t[2] += current
            t[3] += retiring
            t[4] += max(0, required - current)
            t[5] += max(0, current - required)
    names = {
        "sector": {s.pk: (s.slug, s.label, s.slug, None) for s in Sector.objects.all()},
        "kelurahan": {k.pk: (k.slug, k.name, None, k.slug) for k in Kelurahan.objects.all()},
    }
    unit_ids = [key[1] for key in totals if key[0] == "unit"]
    names["unit"] = {
        u.pk: (str(u.pk), u.name, u.sector.slug, u.kelurahan.slug)
        for u in Unit.objects.filter(pk__in=unit_ids).select_related("sector", "kelurahan")
    }
    rows = []
    for kind in ("sector", "kelurahan", "unit"):
        keyed = [(names[kind][pk], t) for (k, pk), t in totals.items() if k == kind]
        for (code, name, sector, kelurahan), t in sorted(keyed, key=lambda item: item[0][1]):
            row = {
                "planning_year": planning_year.year,
                "level": kind,
                "code": code,
                "name": name,
                "sector": sector,
                "kelurahan": kelurahan,
                "positions": t[0],
                "required": t[1],
                "current": t[2],
                "gap": t[1] - t[2],
                "shortage": t[4],
                "surplus": t[5],
                "retiring": t[3],
            }
            rows.append(small_cells(row, STAFF_COUNTS, derived=STAFF_DERIVED))
    units = [row for row in rows if row["level"] == "unit"]
    complementary(
        [
            [row for row in rows if row["level"] == "sector"],
            [row for row in rows if row["level"] == "kelurahan"],
            units,
            *_children(units, "sector"),
            *_children(units, "kelurahan"),
        ],
        STAFF_COUNTS,
        derived=STAFF_DERIVED,
    )
    return _kept(rows, filters, ("sector", "kelurahan"))


def _children(units: list[dict], parent: str) -> list[list[dict]]:
    """The unit rows of each sector (or kelurahan): they add up to its row."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in units:
        groups[row[parent]].append(row)
    return list(groups.values())


def _kept(rows: list[dict], filters: dict, parents: tuple[str, ...]) -> list[dict]:
    """The rows the filters ask for, chosen after the small-cell rule ran on every row: a
    filter selects rows, it never makes a new table whose totals could be subtracted from the
    full one to give a hidden count back."""
    for name in parents:
        if filters.get(name):
            rows = [row for row in rows if row[name] == filters[name]]
    if filters.get("unit"):
        rows = [r for r in rows if r["level"] == "unit" and r["code"] == str(filters["unit"])]
    if filters.get("level"):
        rows = [row for row in rows if row["level"] == filters["level"]]
    return rows


# --- training ------------------------------------------------------------------------------

TRAINING_COUNTS = ("pns_employees",)
TRAINING_DERIVED = {"pns_employees": ("complete", "short", "missing_jp", "compliant_share")}


def training_compliance(filters: dict) -> list[dict]:
    """Active PNS employees meeting the year's minimum JP, per sector and per unit (the
    training overview's figures, aggregated): one query."""
    year = filters.get("year") or timezone.localdate().year
    rule = rule_for_year(year)
    groups: dict[tuple, list] = {}
    english = _english()
    for unit in jp_by_unit(year):
        sector_name = (unit.sector_name_en or unit.sector_name) if english else unit.sector_name
        for key, name, sector in (
            (("sector", unit.sector_order, unit.sector_slug), sector_name, unit.sector_slug),
            (("unit", unit.unit_name, unit.unit_id), unit.unit_name, unit.sector_slug),
        ):
            group = groups.setdefault(key, [name, sector, 0, 0, 0])
            group[2] += unit.total
            group[3] += unit.short
            group[4] += unit.missing_jp
    rows = []
    for key in sorted(groups, key=lambda k: (k[0] != "sector", k[1], str(k[2]))):
        name, sector, total, short, missing = groups[key]
        row = {
            "year": year,
            "min_jp": rule.pns_min_jp,
            "level": key[0],
            "code": str(key[2]),
            "name": name,
            "sector": sector,
            "pns_employees": total,
            "complete": total - short,
            "short": short,
            "missing_jp": missing,
            "compliant_share": _share(total - short, total),
        }
        rows.append(small_cells(row, TRAINING_COUNTS, derived=TRAINING_DERIVED))
    units = [row for row in rows if row["level"] == "unit"]
    complementary(
        [[row for row in rows if row["level"] == "sector"], units, *_children(units, "sector")],
        TRAINING_COUNTS,
        derived=TRAINING_DERIVED,
    )
    return _kept(rows, filters, ("sector",))


def _english() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "id").startswith("en")


# --- forums --------------------------------------------------------------------------------

IKM_ELEMENTS = 9


def ikm(filters: dict) -> list[dict]:
    """The IKM (Permenpan RB 14/2017) of each unit and survey period: the public IKM page's
    figures. A unit with fewer respondents than the threshold shows none of its scores (a
    single respondent's answers would be readable from them)."""
    rows = []
    for result in ikm_results():
        unit, period = result.unit, result.period
        if filters.get("period") and period.pk != filters["period"]:
            continue
        if filters.get("unit") and unit.pk != filters["unit"]:
            continue
        if filters.get("year") and period.starts_on.year != filters["year"]:
            continue
        row = {
            "period_id": period.pk,
            "period": period.name,
            "starts_on": _iso(period.starts_on),
            "ends_on": _iso(period.ends_on),
            "unit_id": unit.pk,
            "unit": unit.name,
            "respondents": result.respondents,
            **{f"nrr_{i + 1}": value for i, value in enumerate(result.nrr)},
            "index": result.index,
            "converted": result.converted,
            "grade": result.band.grade if result.band else None,
        }
        derived = {"respondents": (*(f"nrr_{i}" for i in range(1, 10)), "index", "converted")}
        derived["respondents"] += ("grade",)
        rows.append(small_cells(row, ("respondents",), derived=derived))
    return rows


TOPIC_STATUSES = tuple(Topic.Status.values)


def forum_accountability(filters: dict) -> list[dict]:
    """Public topics by status, the share answered and the median days to the first official
    answer, per sector and per unit (the accountability page's figures, with units): one
    query for the topics, one for the names."""
    topics = Topic.objects.filter(visibility__in=[Visibility.PUBLIC, Visibility.HIDDEN])
    if filters.get("sector"):
        topics = topics.filter(sector__slug=filters["sector"])
    if filters.get("year"):
        topics = topics.filter(created_at__year=filters["year"])
    groups: dict[tuple, dict] = {}
    for sector_id, unit_id, status, created, answered in topics.order_by().values_list(
        "sector_id", "unit_id", "status", "created_at", "first_answer_at"
    ):
        keys = [("sector", sector_id)] + ([("unit", unit_id)] if unit_id else [])
        for key in keys:
            group = groups.setdefault(key, {"statuses": defaultdict(int), "waits": []})
            group["statuses"][status] += 1
            if answered is not None:
                group["waits"].append((answered - created).total_seconds() / 86400)
    sectors = {s.pk: s for s in Sector.objects.all()}
    units = Unit.objects.select_related("sector").in_bulk(
        [pk for kind, pk in groups if kind == "unit"]
    )
    level = filters.get("level")
    rows = []
    for (kind, pk), group in groups.items():
        if level and level != kind:
            continue
        if kind == "sector":
            sector = sectors[pk]
            code, name, sector_code, order = sector.slug, sector.label, sector.slug, sector.order
        else:
            unit = units[pk]
            code, name, sector_code, order = str(unit.pk), unit.name, unit.sector.slug, 0
        total = sum(group["statuses"].values())
        waits = group["waits"]
        median = statistics.median(waits) if waits else None
        rows.append(
            {
                "level": kind,
                "code": code,
                "name": name,
                "sector": sector_code,
                "topics": total,
                **{status: group["statuses"].get(status, 0) for status in TOPIC_STATUSES},
                "answered": len(waits),
                "answered_share": _share(len(waits), total),
                "median_days_to_answer": (
                    Decimal(str(median)).quantize(Decimal("0.1"), ROUND_HALF_UP)
                    if median is not None
                    else None
                ),
                "_order": (kind != "sector", order, name),
            }
        )
    rows.sort(key=lambda r: r.pop("_order"))
    return rows


def forum_topics(filters: dict) -> LazyRows:
    """Public topics with their status and the official answers; no author, no photo, no
    replies of residents (the public page names the author only by the name they chose to
    show; the open data shows nobody)."""
    queryset = (
        Topic.objects.filter(visibility=Visibility.PUBLIC)
        .select_related("sector", "kelurahan", "unit")
        .order_by("-created_at", "-pk")
    )
    for name, lookup in (
        ("sector", "sector__slug"),
        ("kelurahan", "kelurahan__slug"),
        ("unit", "unit_id"),
        ("status", "status"),
        ("year", "created_at__year"),
        ("topic", "pk"),
    ):
        if filters.get(name):
            queryset = queryset.filter(**{lookup: filters[name]})

    def prefetch(objects):
        from django.db.models import prefetch_related_objects

        prefetch_related_objects(
            objects,
            Prefetch(
                "comments",
                queryset=Comment.objects.filter(
                    is_official=True, visibility=Visibility.PUBLIC
                ).order_by("created_at", "pk"),
                to_attr="official_answers",
            ),
        )

    def row(t) -> dict:
        return {
            "id": t.pk,
            "title": t.title,
            "body": t.body,
            "status": t.status,
            "sector": t.sector.slug,
            "kelurahan": t.kelurahan.slug if t.kelurahan_id else None,
            "unit_id": t.unit_id,
            "unit": t.unit.name if t.unit_id else None,
            "supports": t.support_count,
            "comments": t.comment_count,
            "created_at": _iso(t.created_at),
            "first_answer_at": _iso(t.first_answer_at),
            "official_answers": [
                {"text": c.body, "answered_at": _iso(c.created_at)} for c in t.official_answers
            ],
            "url": _url("forums:topic_detail", t.pk),
        }

    return LazyRows(queryset, row, prefetch)
