"""HR's reads of periods, formations and applications, and the public statistics. Each returns
data shaped so that a page makes the same number of queries whatever the number of rows."""

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count, F, OuterRef, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.db import count_of
from recruitment.models import Application, Formation, FormationCategory, SelectionPeriod
from workforce.models import FormationProposal

Status = Application.Status

# Applications that count as "finalised" in HR's and the public's totals.
FINALISED_STATUSES = (Status.SUBMITTED,)


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


# HR's short names of the statuses (the model's labels speak to the applicant); a status added
# later without one here shows the model's label.
HR_STATUS_LABELS = {
    Status.DRAFT: _("Draft"),
    Status.SUBMITTED: _("Finalised"),
    Status.WITHDRAWN: _("Withdrawn (APS)"),
}


def hr_status_choices() -> list[tuple[str, str]]:
    return [(value, HR_STATUS_LABELS.get(value, label)) for value, label in Status.choices]


def _status_counts(source: dict[str, int]) -> list[StatusCount]:
    return [StatusCount(value, label, source.get(value, 0)) for value, label in hr_status_choices()]


# --- periods ------------------------------------------------------------------------------


def period_list() -> QuerySet[SelectionPeriod]:
    """Periods, newest first, with formation_count and finalised_count: one query, each count a
    subquery served by its foreign key's index."""
    formations = Formation.objects.filter(period=OuterRef("pk"))
    return SelectionPeriod.objects.annotate(
        formation_count=count_of(formations),
        published_formation_count=count_of(formations.filter(is_published=True)),
        finalised_count=count_of(
            Application.objects.filter(period=OuterRef("pk"), status__in=FINALISED_STATUSES)
        ),
    ).order_by("-registration_opens_at", "-pk")


def period_get(pk: int) -> SelectionPeriod:
    return get_object_or_404(SelectionPeriod, pk=pk)


def period_formations(period: SelectionPeriod) -> list[Formation]:
    """The period's formations with their position and unit, the number of applications
    (`total`) and `status_counts` (one StatusCount per application status): one query."""
    counts = {
        f"n_{value}": Count("applications", filter=Q(applications__status=value))
        for value in Status.values
    }
    formations = list(
        Formation.objects.filter(period=period)
        .select_related("position", "position__unit", "source_proposal_item")
        .annotate(total=Count("applications"), **counts)
        .order_by("position__unit__name", "position__name", "asn_type", "category")
    )
    for formation in formations:
        formation.status_counts = _status_counts(
            {value: getattr(formation, f"n_{value}") for value in Status.values}
        )
    return formations


def approved_proposals() -> QuerySet[FormationProposal]:
    """Approved workforce proposals, newest first, with their number of items and people."""
    return (
        FormationProposal.objects.filter(status=FormationProposal.Status.APPROVED)
        .select_related("planning_year")
        .annotate(item_count=Count("items"), people=Sum("items__count"))
        .order_by("-decided_at", "-pk")
    )


# --- formations and applications ---------------------------------------------------------


def formation_get(pk: int) -> Formation:
    return get_object_or_404(
        Formation.objects.select_related("period", "position", "position__unit"), pk=pk
    )


def formation_status_counts(formation: Formation) -> list[StatusCount]:
    """How many of the formation's applications are in each status: one query."""
    rows = (
        Application.objects.filter(formation=formation)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
    )
    return _status_counts({row["status"]: row["n"] for row in rows})


def formation_applications(
    formation: Formation, *, status: str | None = None, search: str | None = None
) -> QuerySet[Application]:
    """The formation's applications with applicant and profile, finalised first, in the order
    they were finalised. `search` matches the registration number only: the filter travels in
    the address, and names stay out of URLs and access logs (UU PDP)."""
    queryset = (
        Application.objects.filter(formation=formation)
        .select_related("applicant", "applicant__applicant_profile")
        .order_by(F("submitted_at").asc(nulls_last=True), "created_at", "pk")
    )
    if status:
        queryset = queryset.filter(status=status)
    if search:
        queryset = queryset.filter(registration_number__icontains=search)
    return queryset


# --- public statistics --------------------------------------------------------------------


@dataclass
class PeriodStatistics:
    period: SelectionPeriod
    formations: list[Formation] = field(default_factory=list)

    @property
    def quota(self) -> int:
        return sum(formation.quota for formation in self.formations)

    @property
    def finalised(self) -> int:
        return sum(formation.finalised for formation in self.formations)


def public_statistics() -> list[PeriodStatistics]:
    """Per published formation of a published period: its quota and the number of finalised
    applications (`finalised`), grouped by period, newest first. Counts only, no personal data;
    two queries (the periods, then their formations with only the columns shown, so that 200
    rows do not build 200 copies of their period). Each formation carries what its row shows,
    worked out once per page rather than per row: `url` (its vacancy page) and
    `category_label`."""
    periods = {period.pk: period for period in SelectionPeriod.objects.filter(is_published=True)}
    formations = (
        Formation.objects.filter(is_published=True, period_id__in=list(periods))
        .select_related("position", "position__unit")
        .only(
            "pk",
            "period_id",
            "asn_type",
            "category",
            "quota",
            "position__name",
            "position__unit_id",
            "position__unit__name",
        )
        .annotate(
            # A count per formation through the (formation, status) index, not a join of every
            # application (2-3x faster with 50,000: the open data's recruitment-statistics).
            finalised=count_of(
                Application.objects.filter(formation=OuterRef("pk"), status__in=FINALISED_STATUSES)
            )
        )
        .order_by(
            "-period__registration_opens_at",
            "period_id",
            "position__unit__name",
            "position__name",
            "category",
        )
    )
    categories = {value: str(label) for value, label in FormationCategory.choices}
    # One reverse() for the page: the same address with each formation's number in it.
    url = reverse("recruitment:vacancy_detail", args=[0]).removesuffix("0/")
    groups = []
    for period_id, rows in groupby(formations, key=lambda f: f.period_id):
        rows = list(rows)
        for formation in rows:
            formation.period = periods[period_id]
            formation.url = f"{url}{formation.pk}/"
            formation.category_label = categories.get(formation.category, formation.category)
        groups.append(PeriodStatistics(period=periods[period_id], formations=rows))
    return groups
