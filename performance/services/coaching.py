"""Coaching (pembinaan): opened by the review services when a predikat is low, never by a signal.

Recommended training comes from the training catalogue (performance reads training; training
never imports performance: the review's gaps are passed in).
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from performance.models import (
    COACHING_PREDIKAT,
    CoachingFollowUp,
    CoachingPlan,
    Rating,
    Review,
    ReviewEvent,
    parse_day_list,
)
from training.selectors.recommendations import recommended_programmes


class CoachingError(Exception):
    pass


def recommended_training(review: Review) -> str:
    """The training programmes that answer the review's gaps (BerAKHLAK values rated below
    expectation) and the position's competency standard, from the training catalogue; the
    development plan when the catalogue has nothing that fits."""
    gaps = [
        name
        for rating in review.behaviour_ratings.select_related("value")
        if rating.rating == Rating.BELOW
        for name in (rating.value.name, rating.value.name_en, rating.value.code)
    ]
    programmes = recommended_programmes(review.skp.employee, gaps=gaps)[:5]
    lines = [f"{programme} ({programme.jp} JP)" for programme in programmes]
    return "\n".join(lines) or review.development_plan


@transaction.atomic
def coaching_plan_open_if_needed(*, review: Review, user) -> CoachingPlan | None:
    """Open a plan (with follow-ups from the cycle's rule) when the predikat needs coaching;
    a review has at most one plan, so calling this again returns the existing one."""
    if review.predikat not in COACHING_PREDIKAT:
        return None
    existing = CoachingPlan.objects.filter(review=review).first()
    if existing is not None:
        return existing
    cycle = review.checkpoint.cycle
    days = sorted(parse_day_list(cycle.coaching_followup_days))
    start = timezone.localdate()
    plan = CoachingPlan(
        review=review,
        employee=review.skp.employee,
        start_date=start,
        end_date=start + timedelta(days=max(days)),
        actions=review.development_plan,
        recommended_training=recommended_training(review),
    )
    plan.full_clean()
    plan.save()
    CoachingFollowUp.objects.bulk_create(
        CoachingFollowUp(plan=plan, due_date=start + timedelta(days=d)) for d in days
    )
    ReviewEvent.objects.create(review=review, action=ReviewEvent.Action.COACHING_OPENED, actor=user)
    return plan


@transaction.atomic
def coaching_followup_record(*, follow_up: CoachingFollowUp, note: str, user) -> CoachingFollowUp:
    if follow_up.done_at is not None:
        raise CoachingError(_("This follow-up has already been recorded."))
    if not note.strip():
        raise CoachingError(_("Say what was discussed or agreed."))
    follow_up.note = note.strip()
    follow_up.done_at = timezone.now()
    follow_up.save(update_fields=["note", "done_at"])
    return follow_up
