"""The pages: anonymous -> login, wrong role -> 403, someone else's -> 404, happy paths, and
query budgets on every list page at two sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from performance.models import Objection, Review
from performance.services import reviews as services
from tests.factories import UserFactory
from tests.performance.factories import (
    agreed_skp,
    checkpoint,
    cycle,
    employee_for,
    final_review,
    ratings,
    team,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(supervisor, hr):
    """A supervisor with one team member (with an agreed SKP and a final Q1 review), the
    supervisor's own supervisor, and an outsider supervisor with a team of their own."""
    the_cycle = cycle(2026)
    head = UserFactory(roles=[Role.EMPLOYEE, Role.SUPERVISOR])
    boss, (member,) = team(supervisor, 1)
    boss.supervisor = employee_for(head)
    boss.save(update_fields=["supervisor"])
    skp = agreed_skp(member, the_cycle, by=supervisor)
    review = final_review(skp, checkpoint(the_cycle), by=supervisor, hasil="below")
    outsider = UserFactory(roles=[Role.EMPLOYEE, Role.SUPERVISOR])
    team(outsider, 1)
    return {
        "cycle": the_cycle,
        "member": member,
        "skp": skp,
        "review": review,
        "head": head,
        "outsider": outsider,
    }


def _urls(w):
    review, skp, member = w["review"], w["skp"], w["member"]
    cp = review.checkpoint
    return {
        "mine": reverse("performance:mine"),
        "skp_detail": reverse("performance:skp_detail", args=[skp.pk]),
        "review_detail": reverse("performance:review_detail", args=[review.pk]),
        "objection_file": reverse("performance:objection_file", args=[review.pk]),
        "coaching_detail": reverse("performance:coaching_detail", args=[review.coaching_plan.pk]),
        "team": reverse("performance:team"),
        "skp_edit": reverse("performance:skp_edit", args=[member.pk, 2026]),
        "review_edit": reverse("performance:review_edit", args=[skp.pk, cp.pk]),
        "objection_list": reverse("performance:objection_list"),
        "objection_resolve": reverse("performance:objection_resolve", args=[review.pk]),
        "review_correct": reverse("performance:review_correct", args=[review.pk]),
        "dashboard": reverse("performance:dashboard"),
        "dashboard_chart": reverse("performance:dashboard_chart", args=["unit"]),
        "dashboard_export": reverse("performance:dashboard_export"),
        "ekinerja_export": reverse("performance:ekinerja_export"),
    }


def test_it_sends_anonymous_visitors_to_sign_in(client, world):
    for name, url in _urls(world).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert "/accounts/login/" in response["Location"], name


def test_it_refuses_the_wrong_role(client_as, world, resident):
    client = client_as(resident)
    for name, url in _urls(world).items():
        assert client.get(url).status_code == 403, name


def test_it_refuses_hr_only_pages_to_supervisors(client_as, world, supervisor):
    client = client_as(supervisor)
    for name in (
        "dashboard",
        "dashboard_chart",
        "dashboard_export",
        "ekinerja_export",
        "review_correct",
    ):
        assert client.get(_urls(world)[name]).status_code == 403, name


def test_it_hides_other_peoples_records_with_404(client_as, world, employee):
    urls = _urls(world)
    other = client_as(employee)  # an employee who is not this one
    for name in ("skp_detail", "review_detail", "objection_file", "coaching_detail"):
        assert other.get(urls[name]).status_code == 404, name


def test_it_lets_only_the_own_supervisor_evaluate(client_as, world):
    urls = _urls(world)
    client = client_as(world["outsider"])
    for name in ("skp_edit", "review_edit", "skp_detail", "review_detail", "objection_resolve"):
        assert client.get(urls[name]).status_code == 404, name


def test_it_lets_the_evaluator_not_resolve_an_objection_to_their_own_review(
    client_as, world, supervisor
):
    assert client_as(supervisor).get(_urls(world)["objection_resolve"]).status_code == 404


def test_it_walks_the_happy_path(client_as, client, world, supervisor, hr):
    urls, member, review = _urls(world), world["member"], world["review"]
    # the employee sees the review and objects
    client_as(member.user)
    assert client.get(urls["review_detail"]).status_code == 200
    response = client.post(urls["objection_file"], {"reasons": "Bukti belum dinilai."})
    assert response.status_code == 302
    assert Objection.objects.filter(review=review).exists()
    response = client.post(urls["objection_file"], {"reasons": "Lagi."})
    assert "already been filed" in response.content.decode()
    # the evaluator's own supervisor resolves it
    client_as(world["head"])
    assert client.get(urls["objection_list"]).status_code == 200
    response = client.post(
        urls["objection_resolve"],
        {"uphold": "1", "hasil_kerja": "meets", "perilaku": "meets", "reason": "Diterima."},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.predikat) == (Review.Status.RESOLVED, "baik")
    # HR corrects, with a reason
    client_as(hr)
    response = client.post(
        urls["review_correct"],
        {"correct": "1", "hasil_kerja": "above", "perilaku": "above", "reason": "Data baru."},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.predikat == "sangat_baik" and review.corrections.count() == 2
    for name in ("dashboard", "dashboard_chart", "dashboard_export", "ekinerja_export"):
        assert client.get(urls[name]).status_code == 200, name


def test_it_lets_the_supervisor_draft_and_evaluate(client_as, world, supervisor):
    client = client_as(supervisor)
    urls, skp = _urls(world), world["skp"]
    q2 = checkpoint(world["cycle"], 2)
    url = reverse("performance:review_edit", args=[skp.pk, q2.pk])
    assert client.get(url).status_code == 200
    data = ratings(skp, "above", "meets")
    post = {
        "hasil_kerja": "above",
        "perilaku": "meets",
        "feedback": "",
        "development_plan": "",
        "finalise": "1",
    }
    post |= {f"i{pk}": r for pk, (r, _e) in data.indicators.items()}
    post |= {f"v{pk}": r for pk, (r, _n) in data.behaviours.items()}
    response = client.post(url, post)
    confirm = reverse("performance:review_confirm", args=[skp.pk, q2.pk])
    assert response.status_code == 302 and response["Location"] == confirm
    assert Review.objects.get(skp=skp, checkpoint=q2).status == Review.Status.DRAFT
    page = client.get(confirm)
    assert page.context["predikat"] == "baik"
    response = client.post(confirm, {"version": page.context["version"]})
    assert response.status_code == 302
    assert Review.objects.get(skp=skp, checkpoint=q2).predikat == "baik"
    post["hasil_kerja"] = "superb"
    response = client.post(
        reverse("performance:review_edit", args=[skp.pk, checkpoint(world["cycle"], 3).pk]), post
    )
    assert response.status_code == 200  # refused with the reason
    assert client.get(urls["team"]).status_code == 200
    assert client.get(urls["skp_edit"]).status_code == 200


def _grow(world, supervisor, hr, size):
    """More team members, each with an agreed SKP, a final review and an open objection."""
    _boss, members = team(supervisor, size)
    for member in members:
        skp = agreed_skp(member, world["cycle"], by=supervisor)
        review = final_review(skp, checkpoint(world["cycle"]), by=supervisor, hasil="below")
        services.objection_file(review=review, reasons="x", user=member.user)


@pytest.mark.parametrize(
    ("persona", "name", "budget"),
    [
        ("supervisor", "team", 14),
        ("head", "objection_list", 10),
        ("hr", "objection_list", 10),
        ("hr", "dashboard", 14),
        ("member", "mine", 18),
    ],
)
def test_it_keeps_list_pages_within_a_query_budget_at_two_sizes(
    page_cache_off, client_as, world, supervisor, hr, persona, name, budget
):
    users = {
        "supervisor": supervisor,
        "hr": hr,
        "head": world["head"],
        "member": world["member"].user,
    }
    client = client_as(users[persona])
    url = _urls(world)[name]
    counts = []
    for size in (2, 10):
        _grow(world, supervisor, hr, size)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= budget, counts
