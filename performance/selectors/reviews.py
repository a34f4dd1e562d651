"""Reads for the employee's page, the supervisor's team page and a review's page."""

from django.db.models import Prefetch, Q

from performance.models import (
    BehaviourValue,
    Checkpoint,
    CoachingPlan,
    Cycle,
    Objection,
    Review,
    Skp,
)
from workforce.models import Employee
from workforce.selectors import teams


def cycle_current(year: int) -> Cycle | None:
    return Cycle.objects.filter(year__lte=year).order_by("-year").first()


def my_skps(employee: Employee):
    return (
        Skp.objects.filter(employee=employee)
        .select_related("cycle")
        .prefetch_related(
            "indicators",
            Prefetch(
                "reviews",
                queryset=Review.objects.select_related("checkpoint__cycle").order_by(
                    "checkpoint__period_end", "checkpoint__kind"
                ),
            ),
        )
        .order_by("-cycle__year")
    )


def my_coaching(employee: Employee):
    return CoachingPlan.objects.filter(employee=employee).select_related(
        "review__checkpoint__cycle"
    )


def team_members(user, cycle: Cycle | None):
    """The user's team (workforce.selectors.teams, the one definition training uses too), each
    member with this cycle's SKP and its reviews prefetched."""
    skps = Skp.objects.filter(cycle=cycle).prefetch_related(
        Prefetch("reviews", queryset=Review.objects.select_related("checkpoint__cycle"))
    )
    return teams.team_members(user=user).prefetch_related(
        Prefetch("skps", queryset=skps, to_attr="cycle_skps")
    )


def checkpoints(cycle: Cycle | None):
    if cycle is None:
        return Checkpoint.objects.none()
    return Checkpoint.objects.filter(cycle=cycle).order_by("period_end", "kind")


def review_parts(review: Review) -> dict:
    return {
        "indicator_ratings": review.indicator_ratings.select_related("indicator").order_by(
            "indicator__order"
        ),
        "behaviour_ratings": review.behaviour_ratings.select_related("value"),
        "events": review.events.select_related("actor"),
        "corrections": review.corrections.select_related("by"),
        "objection": Objection.objects.filter(review=review)
        .select_related("filed_by", "resolved_by")
        .first(),
        "coaching_plan": CoachingPlan.objects.filter(review=review).first(),
    }


def behaviour_values():
    return BehaviourValue.objects.order_by("order")


def objections_to_resolve(user, *, is_hr: bool):
    queryset = Objection.objects.filter(outcome=Objection.Outcome.OPEN).select_related(
        "review__skp__employee__position__unit", "review__checkpoint__cycle"
    )
    if not is_hr:
        queryset = queryset.filter(Q(review__skp__employee__supervisor__supervisor__user=user))
    return queryset.order_by("filed_at")
