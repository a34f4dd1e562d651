"""A review made final and the answer to an objection reach the employee (inbox and their
channels), once each, in their language."""

import pytest

from notifications.models import Notification
from performance.notices import FINALISED, notify_review
from performance.services import reviews as services
from tests.performance.factories import agreed_skp, checkpoint, cycle, final_review, team

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(supervisor, hr):
    the_cycle = cycle(2026)
    _boss, (member,) = team(supervisor, 1)
    skp = agreed_skp(member, the_cycle, by=supervisor)
    return skp, checkpoint(the_cycle), member


def test_the_employee_hears_of_the_final_review_and_of_the_objections_answer(
    setup, supervisor, hr, django_capture_on_commit_callbacks, mailoutbox
):
    skp, cp, member = setup
    member.user.preferred_language = "en"
    member.user.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        review = final_review(skp, cp, by=supervisor, hasil="above", perilaku="above")
    [final] = Notification.objects.filter(recipient=member.user)
    assert final.key == f"review:{review.pk}:finalised"
    assert final.url == f"/performance/reviews/{review.pk}/"
    assert "Very good" in final.subject or "Sangat" in final.subject
    assert "object with your reasons" in final.body
    assert final.urgent  # the objection window is running
    assert [m.to for m in mailoutbox] == [[member.user.email]]
    # Run again: nobody is told twice.
    assert notify_review(review.pk, FINALISED) is False

    with django_capture_on_commit_callbacks(execute=True):
        objection = services.objection_file(review=review, reasons="Bukti baru.", user=member.user)
        services.objection_resolve(
            objection=objection, uphold=False, resolution="Bukti sudah dinilai.", user=hr
        )
    answered = Notification.objects.get(key=f"review:{review.pk}:objection-answered")
    assert answered.recipient == member.user
    assert "not upheld" in answered.subject
    assert "Bukti sudah dinilai." in answered.body
    assert Notification.objects.filter(recipient=member.user).count() == 2


def test_a_saved_draft_tells_nobody(setup, supervisor, django_capture_on_commit_callbacks):
    from tests.performance.factories import ratings

    skp, cp, member = setup
    with django_capture_on_commit_callbacks(execute=True):
        services.review_save(skp=skp, checkpoint=cp, data=ratings(skp), user=supervisor)
    assert not Notification.objects.filter(recipient=member.user).exists()
