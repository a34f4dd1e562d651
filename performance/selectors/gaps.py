"""What a performance review tells training: the gaps (values and indicators rated below
expectation) its recommendations answer. Registered with training.review_gaps from
PerformanceConfig.ready(): performance builds on training, never the other way round."""

from django.db.models import Prefetch

from performance.models import BehaviourRating, IndicatorRating, Rating, Review
from training.review_gaps import INDICATOR, VALUE, ReviewGap


def review_gaps(employee) -> list:
    """The BerAKHLAK values and SKP indicators rated below expectation in the employee's latest
    final review, as training.review_gaps.ReviewGap (three queries whatever the data size)."""
    review = (
        Review.objects.filter(skp__employee=employee)
        .exclude(status=Review.Status.DRAFT)
        .order_by("-checkpoint__period_end", "-pk")
        .prefetch_related(
            Prefetch(
                "behaviour_ratings",
                queryset=BehaviourRating.objects.filter(rating=Rating.BELOW).select_related(
                    "value"
                ),
                to_attr="below_values",
            ),
            Prefetch(
                "indicator_ratings",
                queryset=IndicatorRating.objects.filter(rating=Rating.BELOW).select_related(
                    "indicator"
                ),
                to_attr="below_indicators",
            ),
        )
        .first()
    )
    if review is None:
        return []
    return [
        ReviewGap(source=VALUE, code=rating.value.code, label=str(rating.value))
        for rating in review.below_values
    ] + [
        ReviewGap(
            source=INDICATOR, code=rating.indicator.description, label=rating.indicator.description
        )
        for rating in review.below_indicators
    ]
