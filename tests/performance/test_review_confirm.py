"""Finalising a review goes through a preview: the supervisor sees the predikat their ratings
give (read from the matrix exactly as the final review gets it) and confirms. Nothing is final
or shared until then, and what they typed is kept if they go back."""

import pytest
from django.urls import reverse
from django.utils import translation

from performance.models import PredikatRule, Review
from performance.services import reviews as services
from tests.performance.factories import agreed_skp, checkpoint, cycle, ratings, team

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(supervisor):
    the_cycle = cycle(2026)
    _boss, (member,) = team(supervisor, 1)
    skp = agreed_skp(member, the_cycle, by=supervisor)
    return {"skp": skp, "checkpoint": checkpoint(the_cycle, 2), "member": member}


def _post(skp, hasil="above", perilaku="meets", *, button="preview", feedback="Kerja rapi."):
    data = ratings(skp, hasil, perilaku)
    post = {"hasil_kerja": hasil, "perilaku": perilaku, "feedback": feedback}
    post |= {"development_plan": "", button: "1"}
    post |= {f"i{pk}": r for pk, (r, _e) in data.indicators.items()}
    post |= {f"v{pk}": r for pk, (r, _n) in data.behaviours.items()}
    return post


def _urls(setup):
    skp, cp = setup["skp"], setup["checkpoint"]
    return (
        reverse("performance:review_edit", args=[skp.pk, cp.pk]),
        reverse("performance:review_confirm", args=[skp.pk, cp.pk]),
    )


def test_it_shows_the_matrix_predikat_before_anything_is_final(client_as, setup, supervisor):
    client = client_as(supervisor)
    edit, confirm = _urls(setup)
    response = client.post(edit, _post(setup["skp"], "above", "meets"))
    assert response.status_code == 302 and response["Location"] == confirm
    review = Review.objects.get(skp=setup["skp"], checkpoint=setup["checkpoint"])
    assert review.status == Review.Status.DRAFT and review.predikat == ""
    assert review.finalised_at is None and review.objection_deadline is None
    page = client.get(confirm)
    expected = PredikatRule.objects.get(hasil_kerja="above", perilaku="meets").predikat
    assert page.context["predikat"] == expected
    html = page.content.decode()
    assert 'data-testid="predikat-preview"' in html
    assert str(page.context["predikat"].label) in html
    # The employee sees nothing yet: their page lists final reviews only.
    mine = client_as(setup["member"].user).get(reverse("performance:mine"))
    assert reverse("performance:review_detail", args=[review.pk]) not in mine.content.decode()


def test_it_finalises_only_on_confirmation_with_the_previewed_predikat(
    client_as, setup, supervisor
):
    client = client_as(supervisor)
    edit, confirm = _urls(setup)
    client.post(edit, _post(setup["skp"], "below", "below"))
    page = client.get(confirm)
    response = client.post(confirm, {"version": page.context["version"]})
    review = Review.objects.get(skp=setup["skp"], checkpoint=setup["checkpoint"])
    assert response.status_code == 302 and response["Location"] == review.get_absolute_url()
    assert review.status == Review.Status.FINAL
    assert review.predikat == page.context["predikat"] == "sangat_kurang"
    assert review.objection_deadline is not None
    actions = list(review.events.values_list("action", flat=True))
    assert actions == ["saved", "finalised", "coaching"]  # the low predikat opened a plan


def test_it_keeps_what_was_typed_when_the_supervisor_goes_back(client_as, setup, supervisor):
    client = client_as(supervisor)
    edit, _confirm = _urls(setup)
    client.post(edit, _post(setup["skp"], "above", "below", feedback="Catatan panjang saya."))
    form = client.get(edit).context["form"]
    assert form["hasil_kerja"].value() == "above"
    assert form["perilaku"].value() == "below"
    assert form["feedback"].value() == "Catatan panjang saya."


def test_it_refuses_a_confirmation_of_an_older_preview(client_as, setup, supervisor):
    client = client_as(supervisor)
    edit, confirm = _urls(setup)
    client.post(edit, _post(setup["skp"], "above", "above"))
    old_version = client.get(confirm).context["version"]
    client.post(edit, _post(setup["skp"], "below", "below", button="save"))  # changed since
    with translation.override("en"):
        response = client.post(confirm, {"version": old_version}, follow=True)
    review = Review.objects.get(skp=setup["skp"], checkpoint=setup["checkpoint"])
    assert review.status == Review.Status.DRAFT
    assert "The draft has changed since you saw the predikat" in response.content.decode()


def test_it_sends_an_incomplete_draft_back_to_the_form_with_the_reason(
    client_as, setup, supervisor
):
    client = client_as(supervisor)
    edit, confirm = _urls(setup)
    post = _post(setup["skp"])
    post["hasil_kerja"] = ""  # one overall rating missing
    response = client.post(edit, post)
    assert response.status_code == 200
    assert "Give both overall ratings before finalising." in response.content.decode()
    # the draft is kept, and the preview page refuses it too
    assert Review.objects.get(skp=setup["skp"], checkpoint=setup["checkpoint"]).perilaku == "meets"
    response = client.get(confirm)
    assert response.status_code == 302 and response["Location"] == edit


def test_it_hides_the_preview_from_other_supervisors(client_as, setup, supervisor):
    from accounts.roles import Role
    from tests.factories import UserFactory

    client_as(supervisor).post(_urls(setup)[0], _post(setup["skp"]))
    outsider = UserFactory(roles=[Role.EMPLOYEE, Role.SUPERVISOR])
    team(outsider, 1)
    client = client_as(outsider)
    assert client.get(_urls(setup)[1]).status_code == 404
    assert client.post(_urls(setup)[1], {"version": "1"}).status_code == 404


def test_the_service_preview_matches_the_final_predikat_in_every_cell(setup, supervisor):
    skp = setup["skp"]
    cp = setup["checkpoint"]
    for rule in PredikatRule.objects.all():
        Review.objects.filter(skp=skp, checkpoint=cp).delete()
        draft = services.review_save(
            skp=skp,
            checkpoint=cp,
            data=ratings(skp, rule.hasil_kerja, rule.perilaku),
            user=supervisor,
        )
        shown = services.review_preview(review=draft)
        final = services.review_finalise(
            review=draft, user=supervisor, version=services.review_version(draft)
        )
        assert shown == final.predikat == rule.predikat
