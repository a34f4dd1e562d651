"""The review workflow through the services: finalising, the objection window, one objection,
resolution, logged corrections, coaching opened for low predikat, the audit log."""

import datetime as dt

import pytest
from django.utils import timezone

from performance.models import CoachingPlan, Correction, Objection, Review, ReviewEvent
from performance.services import reviews as services
from performance.services.skps import SkpError, skp_agree, skp_save
from tests.performance.factories import (
    INDICATORS,
    agreed_skp,
    checkpoint,
    cycle,
    final_review,
    ratings,
    team,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(supervisor, hr):
    the_cycle = cycle(2026)
    _boss, (member,) = team(supervisor, 1)
    skp = agreed_skp(member, the_cycle, by=supervisor)
    return skp, checkpoint(the_cycle), member


def test_it_finalises_a_review_with_the_matrix_predikat(setup, supervisor):
    skp, cp, _member = setup
    review = final_review(skp, cp, by=supervisor, hasil="above", perilaku="above")
    assert review.status == Review.Status.FINAL
    assert review.predikat == "sangat_baik"
    window = cp.cycle.objection_window_days
    assert review.objection_deadline == timezone.localdate() + dt.timedelta(days=window)
    assert list(review.events.values_list("action", flat=True)) == ["finalised"]
    assert not CoachingPlan.objects.exists()


def test_it_refuses_to_finalise_with_a_missing_rating(setup, supervisor):
    skp, cp, _member = setup
    data = ratings(skp)
    data.behaviours.popitem()
    with pytest.raises(services.ReviewError, match="every BerAKHLAK"):
        services.review_save(skp=skp, checkpoint=cp, data=data, user=supervisor, finalise=True)


def test_it_refuses_a_rating_outside_the_allowed_values(setup, supervisor):
    skp, cp, _member = setup
    data = ratings(skp)
    data.hasil_kerja = "excellent"
    with pytest.raises(services.ReviewError, match="above, meets or below"):
        services.review_save(skp=skp, checkpoint=cp, data=data, user=supervisor, finalise=True)


def test_it_changes_a_final_review_only_by_a_correction(setup, supervisor, hr):
    skp, cp, _member = setup
    review = final_review(skp, cp, by=supervisor)
    with pytest.raises(services.ReviewError, match="correction"):
        services.review_save(skp=skp, checkpoint=cp, data=ratings(skp), user=supervisor)
    services.review_correct(
        review=review, hasil_kerja="above", perilaku="above", reason="Salah input.", user=hr
    )
    correction = Correction.objects.get(review=review)
    assert correction.before["predikat"] == "baik"
    assert correction.after["predikat"] == "sangat_baik"
    assert correction.by == hr and correction.reason == "Salah input."
    assert Review.objects.get(pk=review.pk).predikat == "sangat_baik"


@pytest.mark.parametrize(
    ("hasil", "perilaku", "opens"),
    [
        ("below", "meets", True),
        ("meets", "below", True),
        ("below", "below", True),
        ("meets", "meets", False),
        ("above", "above", False),
    ],
)
def test_it_opens_a_coaching_plan_for_a_low_predikat(setup, supervisor, hasil, perilaku, opens):
    skp, cp, member = setup
    review = final_review(skp, cp, by=supervisor, hasil=hasil, perilaku=perilaku)
    plan = CoachingPlan.objects.filter(review=review).first()
    assert bool(plan) is opens
    if opens:
        assert plan.employee == member
        assert plan.follow_ups.count() == 3
        assert plan.recommended_training  # the hook's text until training lands
        assert review.events.filter(action=ReviewEvent.Action.COACHING_OPENED).exists()


def test_it_lets_the_employee_acknowledge(setup, supervisor):
    skp, cp, member = setup
    review = final_review(skp, cp, by=supervisor)
    services.review_acknowledge(review=review, user=member.user)
    assert Review.objects.get(pk=review.pk).status == Review.Status.ACKNOWLEDGED
    with pytest.raises(services.ReviewError):
        services.review_acknowledge(review=review, user=member.user)


def test_it_refuses_an_objection_after_the_window(setup, supervisor):
    skp, cp, member = setup
    review = final_review(skp, cp, by=supervisor)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Review.objects.filter(pk=review.pk).update(objection_deadline=yesterday)
    review.refresh_from_db()
    with pytest.raises(services.ReviewError, match="window closed"):
        services.objection_file(review=review, reasons="Tidak adil.", user=member.user)
    assert not Objection.objects.exists()
    Review.objects.filter(pk=review.pk).update(objection_deadline=timezone.localdate())
    review.refresh_from_db()  # the last day of the window still counts
    services.objection_file(review=review, reasons="Tidak adil.", user=member.user)


def test_it_refuses_a_second_objection(setup, supervisor):
    skp, cp, member = setup
    review = final_review(skp, cp, by=supervisor)
    services.objection_file(review=review, reasons="Tidak adil.", user=member.user)
    with pytest.raises(services.ReviewError, match="already been filed"):
        services.objection_file(review=review, reasons="Lagi.", user=member.user)
    assert Objection.objects.count() == 1


def test_it_resolves_an_objection_by_upholding_it_with_a_logged_correction(setup, supervisor, hr):
    skp, cp, member = setup
    review = final_review(skp, cp, by=supervisor, hasil="below", perilaku="below")
    objection = services.objection_file(review=review, reasons="Bukti baru.", user=member.user)
    services.objection_resolve(
        objection=objection,
        uphold=True,
        resolution="Diterima.",
        user=hr,
        hasil_kerja="meets",
        perilaku="meets",
    )
    review.refresh_from_db()
    assert (review.status, review.predikat) == (Review.Status.RESOLVED, "baik")
    assert Correction.objects.get(review=review).before["predikat"] == "sangat_kurang"
    assert list(review.events.values_list("action", flat=True)) == [
        "finalised",
        "coaching",
        "objected",
        "corrected",
        "upheld",
    ]
    with pytest.raises(services.ReviewError, match="already been resolved"):
        services.objection_resolve(objection=objection, uphold=False, resolution="x", user=hr)


def test_it_rejects_an_objection_without_changing_the_review(setup, supervisor, hr):
    skp, cp, member = setup
    review = final_review(skp, cp, by=supervisor)
    objection = services.objection_file(review=review, reasons="Tidak setuju.", user=member.user)
    services.objection_resolve(
        objection=objection, uphold=False, resolution="Sudah sesuai.", user=hr
    )
    review.refresh_from_db()
    assert (review.status, review.predikat) == (Review.Status.RESOLVED, "baik")
    assert not Correction.objects.exists()


def test_it_needs_an_agreed_skp_before_evaluating(supervisor):
    the_cycle = cycle(2026)
    _boss, (member,) = team(supervisor, 1)
    skp = skp_save(employee=member, cycle=the_cycle, indicators=INDICATORS, user=supervisor)
    with pytest.raises(services.ReviewError, match="agreed"):
        final_review(skp, checkpoint(the_cycle), by=supervisor)
    skp_agree(skp=skp, user=member.user)
    with pytest.raises(SkpError):
        skp_agree(skp=skp, user=member.user)
    with pytest.raises(SkpError):
        skp_save(employee=member, cycle=the_cycle, indicators=INDICATORS, user=supervisor)
