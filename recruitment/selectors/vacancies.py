"""The public side: published formations of published periods, with their live counts."""

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import ngettext

from core.db import count_of
from core.home import Figure
from forums.models import Topic, Visibility
from recruitment.models import Application, Formation


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
) -> QuerySet[Formation]:
    queryset = (
        Formation.objects.filter(is_published=True, period__is_published=True)
        .select_related(
            "period",
            "position",
            "position__unit",
            "position__unit__sector",
            "position__unit__kelurahan",
        )
        .annotate(finalised=_finalised())
        .order_by("-period__registration_opens_at", "position__unit__name", "position__name")
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
        )
        .annotate(finalised=_finalised())
    )
    return get_object_or_404(queryset, pk=pk)


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
    places = vacancies["places"] or 0
    text = ngettext("open vacancy with %(n)s place", "open vacancies with %(n)s places", places) % {
        "n": places
    }
    return [Figure(vacancies["formations"], text, reverse("recruitment:vacancy_list"), order=10)]
