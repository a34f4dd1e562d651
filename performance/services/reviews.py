"""Reviews: the supervisor rates and finalises; the employee acknowledges or objects inside the
window; the supervisor's own supervisor or HR resolves. Every step is a ReviewEvent. After
finalising, ratings change only through `review_correct`, which logs a Correction.

Status changes are conditional updates (`UPDATE ... WHERE status = <expected>`), so two clicks
or two people cannot both move the same review."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox
from performance.models import (
    BehaviourRating,
    BehaviourValue,
    Checkpoint,
    Correction,
    IndicatorRating,
    Objection,
    Rating,
    Review,
    ReviewEvent,
    Skp,
)
from performance.notices import FINALISED, OBJECTION_ANSWERED, notify_review
from performance.services.coaching import coaching_plan_open_if_needed
from performance.services.cycles import MatrixError, predikat_for

Status = Review.Status


class ReviewError(Exception):
    """The review cannot make this change; the message says why."""


@dataclass
class ReviewInput:
    hasil_kerja: str = ""
    perilaku: str = ""
    feedback: str = ""
    development_plan: str = ""
    indicators: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> (rating, evidence)
    behaviours: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> (rating, note)


def _check_rating(value: str, *, required: bool) -> None:
    if value == "" and not required:
        return
    if value not in Rating.values:
        raise ReviewError(_("A rating must be above, meets or below expectation."))


def _log(review, action, user, note=""):
    ReviewEvent.objects.create(review=review, action=action, actor=user, note=note)


@transaction.atomic
def review_save(
    *, skp: Skp, checkpoint: Checkpoint, data: ReviewInput, user, finalise: bool = False
) -> Review:
    """Save the draft review (creating it on first save); with `finalise`, every rating must be
    given, the predikat is read from the matrix and the employee's objection window opens."""
    if skp.status != Skp.Status.AGREED:
        raise ReviewError(_("The SKP must be agreed before it can be evaluated."))
    if checkpoint.cycle_id != skp.cycle_id:
        raise ReviewError(_("This checkpoint belongs to another year."))
    review, _created = Review.objects.select_for_update().get_or_create(
        skp=skp, checkpoint=checkpoint, defaults={"evaluator": user}
    )
    if review.status != Status.DRAFT:
        raise ReviewError(_("This review has been finalised; it changes only by a correction."))
    indicator_ids = set(skp.indicators.values_list("pk", flat=True))
    value_ids = set(BehaviourValue.objects.values_list("pk", flat=True))
    if set(data.indicators) - indicator_ids or set(data.behaviours) - value_ids:
        raise ReviewError(_("A rating refers to an indicator or value that is not in this SKP."))
    for value in (data.hasil_kerja, data.perilaku):
        _check_rating(value, required=finalise)
    for rating, _text in [*data.indicators.values(), *data.behaviours.values()]:
        _check_rating(rating, required=finalise)
    if finalise and (
        set(data.indicators) != indicator_ids
        or set(data.behaviours) != value_ids
        or not all(r for r, _t in [*data.indicators.values(), *data.behaviours.values()])
    ):
        raise ReviewError(_("Rate every indicator and every BerAKHLAK value before finalising."))

    review.hasil_kerja, review.perilaku = data.hasil_kerja, data.perilaku
    review.feedback, review.development_plan = data.feedback, data.development_plan
    review.evaluator = user
    review.indicator_ratings.all().delete()
    review.behaviour_ratings.all().delete()
    IndicatorRating.objects.bulk_create(
        IndicatorRating(review=review, indicator_id=pk, rating=r, evidence=e)
        for pk, (r, e) in data.indicators.items()
        if r
    )
    BehaviourRating.objects.bulk_create(
        BehaviourRating(review=review, value_id=pk, rating=r, note=n)
        for pk, (r, n) in data.behaviours.items()
        if r
    )
    if finalise:
        _finalise(review, checkpoint=checkpoint)
    review.full_clean()
    review.save()
    _log(review, ReviewEvent.Action.FINALISED if finalise else ReviewEvent.Action.SAVED, user)
    if finalise:
        coaching_plan_open_if_needed(review=review, user=user)
        outbox.dispatch(notify_review, review.pk, FINALISED)
    return review


def _finalise(review: Review, *, checkpoint: Checkpoint) -> None:
    review.predikat = _predikat(review)
    review.status = Status.FINAL
    review.finalised_at = timezone.now()
    window = checkpoint.cycle.objection_window_days
    review.objection_deadline = timezone.localdate() + timedelta(days=window)


def _predikat(review: Review) -> str:
    try:
        return predikat_for(hasil_kerja=review.hasil_kerja, perilaku=review.perilaku)
    except MatrixError as exc:
        raise ReviewError(str(exc)) from exc


def review_preview(*, review: Review) -> str:
    """The predikat the saved draft would get if finalised now, read from the matrix exactly as
    `review_finalise` does; a ReviewError says what is still missing. Writes nothing."""
    if review.status != Status.DRAFT:
        raise ReviewError(_("This review has been finalised; it changes only by a correction."))
    indicator_ids = set(review.skp.indicators.values_list("pk", flat=True))
    value_ids = set(BehaviourValue.objects.values_list("pk", flat=True))
    rated_indicators = set(review.indicator_ratings.values_list("indicator_id", flat=True))
    rated_values = set(review.behaviour_ratings.values_list("value_id", flat=True))
    if rated_indicators != indicator_ids or rated_values != value_ids:
        raise ReviewError(_("Rate every indicator and every BerAKHLAK value before finalising."))
    if not review.hasil_kerja or not review.perilaku:
        raise ReviewError(_("Give both overall ratings before finalising."))
    return _predikat(review)


def review_version(review: Review) -> int:
    """What the supervisor saw on the preview: the id of the review's latest event. Any later
    save logs a new event, so a confirmation of an older preview is refused."""
    return review.events.order_by("-pk").values_list("pk", flat=True).first() or 0


@transaction.atomic
def review_finalise(*, review: Review, user, version: int) -> Review:
    """The supervisor confirms the predikat they were shown: the saved draft becomes final and
    is shared with the employee (their objection window opens). Refused when the draft changed
    after the preview (`version`) or is incomplete."""
    review = (
        Review.objects.select_for_update()
        .select_related("checkpoint__cycle", "skp__employee")
        .get(pk=review.pk)
    )
    if review.status != Status.DRAFT:
        raise ReviewError(_("This review has been finalised; it changes only by a correction."))
    if review_version(review) != version:
        raise ReviewError(
            _("The draft has changed since you saw the predikat; check it again and confirm.")
        )
    review_preview(review=review)
    _finalise(review, checkpoint=review.checkpoint)
    review.evaluator = user
    review.full_clean()
    review.save()
    _log(review, ReviewEvent.Action.FINALISED, user)
    coaching_plan_open_if_needed(review=review, user=user)
    # The employee is told (inbox and their channels) once this commits.
    outbox.dispatch(notify_review, review.pk, FINALISED)
    return review


def _move(review: Review, *, expected: tuple[str, ...], to: str, **fields) -> None:
    updated = Review.objects.filter(pk=review.pk, status__in=expected).update(status=to, **fields)
    if not updated:
        raise ReviewError(_("This review has changed in the meantime; reload the page."))
    review.status = to
    for name, value in fields.items():
        setattr(review, name, value)


@transaction.atomic
def review_acknowledge(*, review: Review, user) -> Review:
    if review.status != Status.FINAL:
        raise ReviewError(
            _("Only a finalised review awaiting acknowledgement can be acknowledged.")
        )
    _move(review, expected=(Status.FINAL,), to=Status.ACKNOWLEDGED, acknowledged_at=timezone.now())
    _log(review, ReviewEvent.Action.ACKNOWLEDGED, user)
    return review


@transaction.atomic
def objection_file(*, review: Review, reasons: str, user) -> Objection:
    """The employee objects, with reasons, inside the window. A second objection is refused,
    by this check and, under concurrency, by the one-to-one constraint."""
    if Objection.objects.filter(review=review).exists():
        raise ReviewError(_("An objection to this review has already been filed."))
    if review.status != Status.FINAL:
        raise ReviewError(
            _("An objection can only be filed against a review awaiting acknowledgement.")
        )
    if review.objection_deadline is None or timezone.localdate() > review.objection_deadline:
        raise ReviewError(
            _("The objection window closed on %(date)s.") % {"date": review.objection_deadline}
        )
    if not reasons.strip():
        raise ReviewError(_("Give the reasons for the objection."))
    try:
        with transaction.atomic():
            objection = Objection.objects.create(
                review=review, reasons=reasons.strip(), filed_by=user
            )
    except IntegrityError:
        raise ReviewError(_("An objection to this review has already been filed.")) from None
    _move(review, expected=(Status.FINAL,), to=Status.OBJECTED)
    _log(review, ReviewEvent.Action.OBJECTED, user, reasons.strip())
    return objection


def _snapshot(review: Review) -> dict:
    return {
        "hasil_kerja": review.hasil_kerja,
        "perilaku": review.perilaku,
        "predikat": review.predikat,
    }


def _apply_correction(review: Review, *, hasil_kerja: str, perilaku: str, reason: str, user):
    before = _snapshot(review)
    try:
        predikat = predikat_for(hasil_kerja=hasil_kerja, perilaku=perilaku)
    except MatrixError as exc:
        raise ReviewError(str(exc)) from exc
    review.hasil_kerja, review.perilaku, review.predikat = hasil_kerja, perilaku, predikat
    Review.objects.filter(pk=review.pk).update(**_snapshot(review))
    Correction.objects.create(
        review=review, by=user, before=before, after=_snapshot(review), reason=reason
    )
    _log(review, ReviewEvent.Action.CORRECTED, user, reason)
    coaching_plan_open_if_needed(review=review, user=user)


@transaction.atomic
def objection_resolve(
    *,
    objection: Objection,
    uphold: bool,
    resolution: str,
    user,
    hasil_kerja: str = "",
    perilaku: str = "",
) -> Objection:
    """Uphold (with the corrected ratings, logged as a Correction) or reject the objection."""
    if not resolution.strip():
        raise ReviewError(_("Explain the decision."))
    updated = Objection.objects.filter(pk=objection.pk, outcome=Objection.Outcome.OPEN).update(
        outcome=Objection.Outcome.UPHELD if uphold else Objection.Outcome.REJECTED,
        resolution=resolution.strip(),
        resolved_by=user,
        resolved_at=timezone.now(),
    )
    if not updated:
        raise ReviewError(_("This objection has already been resolved."))
    objection.refresh_from_db()
    review = Review.objects.select_related("checkpoint__cycle", "skp__employee").get(
        pk=objection.review_id
    )
    if uphold:
        _apply_correction(
            review, hasil_kerja=hasil_kerja, perilaku=perilaku, reason=resolution.strip(), user=user
        )
    _move(review, expected=(Status.OBJECTED,), to=Status.RESOLVED)
    action = (
        ReviewEvent.Action.OBJECTION_UPHELD if uphold else ReviewEvent.Action.OBJECTION_REJECTED
    )
    _log(review, action, user, resolution.strip())
    outbox.dispatch(notify_review, review.pk, OBJECTION_ANSWERED)
    return objection


@transaction.atomic
def review_correct(*, review: Review, hasil_kerja: str, perilaku: str, reason: str, user) -> Review:
    """HR corrects a finalised review; the before and after and the reason are kept."""
    review = (
        Review.objects.select_for_update()
        .select_related("checkpoint__cycle", "skp__employee")
        .get(pk=review.pk)
    )
    if review.status == Status.DRAFT:
        raise ReviewError(_("A draft is changed by its evaluator, not corrected."))
    if not reason.strip():
        raise ReviewError(_("Give the reason for the correction."))
    _apply_correction(
        review, hasil_kerja=hasil_kerja, perilaku=perilaku, reason=reason.strip(), user=user
    )
    return review
