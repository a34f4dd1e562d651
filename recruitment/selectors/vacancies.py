"""The public side: published formations of published periods, with their live counts."""

from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from core.db import count_of
from core.home import Figure
from core.numbers import number
from forums.models import SessionOutcome, Topic, Visibility
from recruitment.models import Application, Formation
from recruitment.models.periods import registration_open_q

# Where a vacancy's registration stands, as the list shows it (a badge on each card:
# recruitment/_registration_badge.html) and filters it ("status" in the query string). Open and
# upcoming are the current vacancies, shown by default; closed ones (past periods, or a period
# closed early) only when asked for.
OPEN, UPCOMING, CLOSED = "open", "upcoming", "closed"
CURRENT, ALL = "current", "all"
SHOWN_STATES = {
    CURRENT: (OPEN, UPCOMING),
    OPEN: (OPEN,),
    UPCOMING: (UPCOMING,),
    CLOSED: (CLOSED,),
    ALL: (OPEN, UPCOMING, CLOSED),
}


def _state_order(now) -> Case:
    """0 open, 1 upcoming, 2 closed: open means registration_open_q (the one definition of the
    rule); upcoming, not closed and not opened yet; closed, everything else (the deadline passed
    or the period was closed)."""
    return Case(
        When(registration_open_q(now, "period__"), then=Value(0)),
        When(
            period__registration_closed=False,
            period__registration_opens_at__gt=now,
            then=Value(1),
        ),
        default=Value(2),
        output_field=IntegerField(),
    )


def _finalised():
    """The finalised applications of each formation: a subquery per formation shown (its
    (formation, status) index), not a count over every application joined in."""
    return count_of(
        Application.objects.filter(formation=OuterRef("pk"), status=Application.Status.SUBMITTED)
    )


def vacancy_list(
    *,
    period=None,
    sector=None,
    unit=None,
    kelurahan=None,
    asn_type=None,
    education_level=None,
    category=None,
    search: str = "",
    status: str = CURRENT,
    now=None,
) -> QuerySet[Formation]:
    """Published formations of published periods, open ones first, then upcoming, then closed
    (each annotated with `registration_state`); `status` keeps only the states it names
    (SHOWN_STATES: by default the open and upcoming ones)."""
    now = now or timezone.now()
    order = _state_order(now)
    states = dict(enumerate((OPEN, UPCOMING, CLOSED)))
    queryset = (
        Formation.objects.filter(is_published=True, period__is_published=True)
        .select_related(
            "period",
            "position",
            "position__unit",
            "position__unit__sector",
            "position__unit__kelurahan",
        )
        .annotate(
            finalised=_finalised(),
            registration_order=order,
            registration_state=Case(
                *(When(registration_order=key, then=Value(v)) for key, v in states.items()),
                output_field=CharField(),
            ),
        )
        .filter(registration_order__in=[k for k, v in states.items() if v in SHOWN_STATES[status]])
        .order_by(
            "registration_order",
            "-period__registration_opens_at",
            "period__pk",
            "position__unit__name",
            "position__name",
            "pk",
        )
    )
    filters = {
        "period": period,
        "position__unit__sector": sector,
        "position__unit": unit,
        "position__unit__kelurahan": kelurahan,
        "asn_type": asn_type or None,
        "education_level": education_level or None,
        "category": category or None,
    }
    queryset = queryset.filter(**{k: v for k, v in filters.items() if v is not None})
    if search:
        queryset = queryset.filter(
            Q(position__name__icontains=search) | Q(position__unit__name__icontains=search)
        )
    return queryset


def vacancy_get(pk: int) -> Formation:
    queryset = (
        Formation.objects.filter(is_published=True, period__is_published=True)
        .select_related(
            "period",
            "position",
            "position__unit",
            "position__unit__sector",
            "position__unit__kelurahan",
        )
        .prefetch_related(
            "required_documents",
            "skb_parts",
            Prefetch(
                "informing_topics",
                queryset=Topic.objects.filter(visibility=Visibility.PUBLIC)
                .select_related("kelurahan")
                .order_by("-support_count"),
                to_attr="public_topics",
            ),
            Prefetch(
                "informing_outcomes",
                queryset=SessionOutcome.objects.select_related("session").order_by(
                    "-session__starts_at", "order", "pk"
                ),
                to_attr="outcomes",
            ),
        )
        .annotate(finalised=_finalised())
    )
    return get_object_or_404(queryset, pk=pk)


def formations_informed_by(outcome_ids) -> dict[int, list[tuple[str, str]]]:
    """{discussion outcome id: [(formation, its vacancy page)]}: the published formations each
    outcome informed, for the forums' session page (forums.integration). One query."""
    links = (
        Formation.informing_outcomes.through.objects.filter(
            sessionoutcome_id__in=list(outcome_ids),
            formation__is_published=True,
            formation__period__is_published=True,
        )
        .select_related("formation__period", "formation__position__unit")
        .order_by("-formation__period__year", "formation__position__name", "formation_id")
    )
    found: dict[int, list[tuple[str, str]]] = {}
    for link in links:
        formation = link.formation
        text = f"{formation} · {formation.period}"
        found.setdefault(link.sessionoutcome_id, []).append((text, formation.get_absolute_url()))
    return found


def applications_of(user) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=user)
        .select_related("period", "formation", "formation__position", "formation__position__unit")
        .order_by("-created_at")
    )


def home_figures() -> list:
    """The home page's count of open vacancies and their places (core.home)."""
    vacancies = Formation.objects.open_for_registration().aggregate(
        formations=Count("pk"), places=Sum("quota")
    )
    count, places = vacancies["formations"], vacancies["places"] or 0
    # Two numbers, each with its own plural: "1 open vacancy · 3 places".
    text = "{} · {}".format(
        ngettext("open vacancy", "open vacancies", count),
        ngettext("%(n)s place", "%(n)s places", places) % {"n": number(places)},
    )
    return [Figure(count, text, reverse("recruitment:vacancy_list"), order=10)]
