import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import EmployeeFactory, PlanningYearFactory, PositionFactory, abk_with_minutes
from workforce.models import AsnType, FormationProposal, ProposalItem, Sector
from workforce.services.proposals import (
    ProposalError,
    ProposalItemInput,
    proposal_create,
    proposal_decide,
    proposal_submit,
    proposal_update_items,
)
from workforce.services.reference import reference_data_ensure

pytestmark = pytest.mark.django_db

Status = FormationProposal.Status
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def year():
    return PlanningYearFactory(year=2026)


@pytest.fixture
def nurse(year):
    """Two short: 150,000 minutes of work (two people at 75,000) and nobody in post."""
    position = PositionFactory(name="Perawat Terampil")
    abk_with_minutes(position, year, [150_000])
    return position


@pytest.fixture
def dentist(year):
    """One short, a PPPK position."""
    position = PositionFactory(name="Dokter Gigi", asn_type=AsnType.PPPK)
    abk_with_minutes(position, year, [75_000])
    return position


@pytest.fixture
def staffed(year):
    """No shortage: one needed, one in post."""
    position = PositionFactory(name="Bidan Penuh")
    abk_with_minutes(position, year, [75_000])
    EmployeeFactory(position=position)
    return position


def _draft(user, year, *positions, title="Usulan formasi 2026"):
    items = [(p, p.asn_type, 1, f"Beban kerja {p.name}") for p in positions]
    return proposal_create(planning_year=year, title=title, items=items, user=user)


def _submitted(user, year, *positions):
    return proposal_submit(proposal=_draft(user, year, *positions), user=user)


def _form_data(rows, title="Usulan formasi 2026"):
    """POST data of the proposal form: rows of (position, asn_type, count, justification)."""
    data = {
        "title": title,
        "items-TOTAL_FORMS": str(len(rows)),
        "items-INITIAL_FORMS": str(len(rows)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for i, (position, asn_type, count, justification) in enumerate(rows):
        data[f"items-{i}-position"] = str(position.pk)
        data[f"items-{i}-asn_type"] = asn_type
        data[f"items-{i}-count"] = str(count)
        data[f"items-{i}-justification"] = justification
    return data


# --- creating from the gaps ------------------------------------------------------------------


def test_it_offers_the_positions_with_a_shortage_prefilled_with_the_gap(
    client_as, hr, nurse, dentist, staffed
):
    response = client_as(hr).get(reverse("workforce:proposal_create") + "?year=2026", **EN)
    assert response.status_code == 200
    rows = {form.position_obj: form.initial for form in response.context["form"].items}
    assert set(rows) == {nurse, dentist}
    assert rows[nurse]["count"] == 2
    assert rows[dentist] == {
        "position": dentist.pk,
        "asn_type": AsnType.PPPK,
        "count": 1,
        "justification": "",
    }
    page = response.content.decode()
    assert "Perawat Terampil" in page
    assert "Bidan Penuh" not in page


def test_it_creates_a_draft_from_the_gaps(client_as, hr, year, nurse, dentist):
    data = _form_data(
        [
            (nurse, AsnType.PNS, 2, "Dua perawat untuk pustu baru"),
            (dentist, AsnType.PPPK, 0, ""),
        ]
    )
    response = client_as(hr).post(reverse("workforce:proposal_create") + "?year=2026", data)
    proposal = FormationProposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == proposal.get_absolute_url()
    assert proposal.status == Status.DRAFT
    assert proposal.planning_year == year
    assert proposal.created_by == hr
    assert list(proposal.items.values_list("position", "asn_type", "count", "justification")) == [
        (nurse.pk, AsnType.PNS, 2, "Dua perawat untuk pustu baru")
    ]


def test_it_defaults_to_the_current_year(client_as, hr):
    response = client_as(hr).get(reverse("workforce:proposal_create"), **EN)
    assert response.context["planning_year"].year == timezone.localdate().year
    assert "No position has a shortage" in response.content.decode()


def test_it_keeps_the_input_and_marks_the_field_when_the_form_has_errors(
    client_as, hr, nurse, dentist
):
    data = _form_data(
        [
            (nurse, AsnType.PNS, 3, ""),
            (dentist, AsnType.PPPK, 1, "Puskesmas belum punya dokter gigi"),
        ],
        title="Usulan perawat dan dokter gigi",
    )
    response = client_as(hr).post(reverse("workforce:proposal_create") + "?year=2026", data, **EN)
    assert response.status_code == 200
    assert not FormationProposal.objects.exists()
    rows = response.context["form"].items
    assert rows[0].errors == {
        "justification": ["Please say why this position needs the people proposed."]
    }
    page = response.content.decode()
    assert 'value="Usulan perawat dan dokter gigi"' in page
    assert 'name="items-0-count" value="3"' in page
    assert "Puskesmas belum punya dokter gigi" in page
    assert "is-invalid" in page
    assert "The proposal was not saved" in page


def test_it_needs_at_least_one_position(client_as, hr, nurse):
    data = _form_data([(nurse, AsnType.PNS, 0, "")])
    response = client_as(hr).post(reverse("workforce:proposal_create") + "?year=2026", data, **EN)
    assert response.status_code == 200
    assert "Propose at least one position" in response.content.decode()
    assert not FormationProposal.objects.exists()


def test_it_refuses_the_same_position_twice_with_the_same_asn_type(client_as, hr, nurse):
    data = _form_data([(nurse, AsnType.PNS, 1, "Satu"), (nurse, AsnType.PNS, 1, "Dua")])
    response = client_as(hr).post(reverse("workforce:proposal_create") + "?year=2026", data, **EN)
    assert response.status_code == 200
    assert response.context["form"].items[1].errors == {
        "asn_type": ["This position is already proposed with this ASN type above."]
    }
    assert not FormationProposal.objects.exists()


def test_it_refuses_a_position_without_a_shortage(client_as, hr, nurse, staffed):
    data = _form_data([(staffed, AsnType.PNS, 1, "Tambahan")])
    response = client_as(hr).post(reverse("workforce:proposal_create") + "?year=2026", data, **EN)
    assert response.status_code == 200
    assert "no longer has a shortage" in response.content.decode()
    assert not FormationProposal.objects.exists()


def test_it_validates_items_in_the_service(hr, year, nurse):
    with pytest.raises(ProposalError):
        proposal_create(planning_year=year, title="T", items=[], user=hr)
    with pytest.raises(ProposalError):
        proposal_create(
            planning_year=year, title="T", items=[(nurse, AsnType.PNS, 0, "Alasan")], user=hr
        )
    with pytest.raises(ProposalError):
        proposal_create(
            planning_year=year,
            title="T",
            items=[(nurse, AsnType.PNS, 1, "Satu"), (nurse, AsnType.PNS, 2, "Dua")],
            user=hr,
        )
    # The same position as PNS and as PPPK is two different requests.
    proposal = proposal_create(
        planning_year=year,
        title="T",
        items=[(nurse, AsnType.PNS, 1, "Satu"), (nurse, AsnType.PPPK, 1, "Dua")],
        user=hr,
    )
    assert proposal.items.count() == 2
    assert not FormationProposal.objects.exclude(pk=proposal.pk).exists()


def _in_sector(position, slug):
    position.unit.sector = Sector.objects.get(slug=slug)
    position.unit.save()
    return position


@pytest.fixture
def per_sector(monkeypatch):
    """Above one position short of staff, a new proposal is made per sector (40 in use)."""
    monkeypatch.setattr("workforce.views.proposals.MAX_ROWS", 1)


def test_above_the_row_limit_it_asks_for_a_sector_with_its_shortages(
    client_as, hr, year, nurse, dentist, staffed, per_sector
):
    _in_sector(dentist, "pendidikan")
    response = client_as(hr).get(reverse("workforce:proposal_create") + "?year=2026", **EN)
    assert response.status_code == 200
    assert response.templates[0].name == "workforce/proposal_sectors.html"
    health, education = Sector.objects.get(slug="kesehatan"), Sector.objects.get(slug="pendidikan")
    assert [(e["sector"], e["positions"], e["people"]) for e in response.context["sectors"]] == [
        (health, 1, 2),  # the nurse: two short; the midwife's position is fully staffed
        (education, 1, 1),
    ]
    page = response.content.decode()
    assert f"?year=2026&amp;sector={health.pk}" in page
    assert "2 positions are short of staff in 2026" in page

    response = client_as(hr).get(
        reverse("workforce:proposal_create") + f"?year=2026&sector={health.pk}", **EN
    )
    form = response.context["form"]
    assert [row.position_obj for row in form.items] == [nurse]
    assert form.initial["title"] == "Formation proposal 2026: Health"
    assert f'action="/workforce/proposals/new/?year=2026&amp;sector={health.pk}"' in (
        response.content.decode()
    )


def test_a_proposal_for_one_sector_saves_its_positions(
    client_as, hr, year, nurse, dentist, per_sector
):
    _in_sector(dentist, "pendidikan")
    education = Sector.objects.get(slug="pendidikan")
    url = reverse("workforce:proposal_create") + f"?year=2026&sector={education.pk}"
    response = client_as(hr).post(url, _form_data([(dentist, AsnType.PPPK, 1, "Satu dokter gigi")]))
    assert response.status_code == 302
    proposal = FormationProposal.objects.get()
    assert list(proposal.items.values_list("position", "count")) == [(dentist.pk, 1)]
    # a row of another sector, typed into the form by hand, is refused, not saved
    response = client_as(hr).post(url, _form_data([(nurse, AsnType.PNS, 1, "Perawat")]))
    assert response.status_code == 200
    assert FormationProposal.objects.count() == 1


def test_under_the_row_limit_every_sector_is_on_one_form(client_as, hr, year, nurse, dentist):
    _in_sector(dentist, "pendidikan")
    response = client_as(hr).get(reverse("workforce:proposal_create") + "?year=2026", **EN)
    assert {row.position_obj for row in response.context["form"].items} == {nurse, dentist}


@pytest.mark.parametrize("query", ["?sector=abc", "?sector=999999", "?year=2026&sector=-1"])
def test_a_bad_sector_in_the_address_shows_every_sector_not_an_error(
    client_as, hr, year, nurse, query
):
    response = client_as(hr).get(reverse("workforce:proposal_create") + query, **EN)
    assert response.status_code == 200
    assert response.context["sector"] is None


def test_a_form_posted_without_a_sector_above_the_limit_is_saved_not_dropped(
    client_as, hr, year, nurse, dentist, per_sector
):
    """Made while every shortage fitted on one page, posted after they passed the limit."""
    _in_sector(dentist, "pendidikan")
    data = _form_data([(nurse, AsnType.PNS, 2, "Dua perawat"), (dentist, AsnType.PPPK, 0, "")])
    response = client_as(hr).post(reverse("workforce:proposal_create") + "?year=2026", data)
    assert response.status_code == 302
    assert list(FormationProposal.objects.get().items.values_list("position", "count")) == [
        (nurse.pk, 2)
    ]


def test_a_bad_sector_keeps_the_year_asked_for(client_as, hr, year, nurse):
    PlanningYearFactory(year=2027)
    url = reverse("workforce:proposal_create") + "?year=2027&sector=abc"
    response = client_as(hr).get(url, **EN)
    assert response.context["planning_year"].year == 2027


def test_editing_a_draft_above_the_row_limit_offers_its_own_sectors_shortages(
    client_as, hr, year, nurse, dentist, per_sector
):
    _in_sector(dentist, "pendidikan")
    other_nurse = PositionFactory(name="Perawat Ahli")
    abk_with_minutes(other_nurse, year, [75_000])
    proposal = _draft(hr, year, nurse)
    form = client_as(hr).get(reverse("workforce:proposal_edit", args=[proposal.pk])).context["form"]
    assert [(row.position_obj, row.initial["count"]) for row in form.items] == [
        (nurse, 1),
        (other_nurse, 0),
    ]


# --- editing a draft -------------------------------------------------------------------------


def test_it_edits_a_draft(client_as, hr, year, nurse, dentist):
    proposal = _draft(hr, year, nurse)
    client = client_as(hr)
    form = client.get(reverse("workforce:proposal_edit", args=[proposal.pk])).context["form"]
    assert [(row.position_obj, row.initial["count"]) for row in form.items] == [
        (nurse, 1),
        (dentist, 0),
    ]
    data = _form_data(
        [(nurse, AsnType.PNS, 2, "Dua perawat"), (dentist, AsnType.PPPK, 1, "Dokter gigi")],
        title="Usulan baru",
    )
    response = client.post(reverse("workforce:proposal_edit", args=[proposal.pk]), data)
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "Usulan baru"
    assert sorted(proposal.items.values_list("position", "count")) == sorted(
        [(nurse.pk, 2), (dentist.pk, 1)]
    )


def test_it_does_not_edit_a_submitted_proposal(client_as, hr, year, nurse):
    proposal = _submitted(hr, year, nurse)
    response = client_as(hr).get(reverse("workforce:proposal_edit", args=[proposal.pk]))
    assert response.status_code == 302
    with pytest.raises(ProposalError):
        proposal_update_items(proposal=proposal, items=[(nurse, AsnType.PNS, 5, "Lima")])
    assert list(proposal.items.values_list("count", flat=True)) == [1]


# --- the workflow ----------------------------------------------------------------------------


def test_it_submits_a_draft(client_as, hr, year, nurse):
    proposal = _draft(hr, year, nurse)
    response = client_as(hr).post(reverse("workforce:proposal_submit", args=[proposal.pk]))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED
    assert proposal.submitted_by == hr
    assert proposal.submitted_at is not None


def test_it_approves_a_submitted_proposal(client_as, hr, admin_user, year, nurse):
    proposal = _submitted(hr, year, nurse)
    response = client_as(admin_user).post(
        reverse("workforce:proposal_decide", args=[proposal.pk]),
        {"decision": "approve", "note": ""},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED
    assert proposal.decided_by == admin_user
    assert proposal.decided_at is not None


def test_it_rejects_with_a_note(client_as, hr, admin_user, year, nurse):
    proposal = _submitted(hr, year, nurse)
    client_as(admin_user).post(
        reverse("workforce:proposal_decide", args=[proposal.pk]),
        {"decision": "reject", "note": "  Anggaran belum tersedia.  "},
    )
    proposal.refresh_from_db()
    assert proposal.status == Status.REJECTED
    assert proposal.decision_note == "Anggaran belum tersedia."


def test_it_needs_a_note_to_reject(client_as, hr, admin_user, year, nurse):
    proposal = _submitted(hr, year, nurse)
    response = client_as(admin_user).post(
        reverse("workforce:proposal_decide", args=[proposal.pk]),
        {"decision": "reject", "note": "   "},
        **EN,
    )
    assert response.status_code == 200
    assert "Please explain why the proposal is rejected." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED
    with pytest.raises(ProposalError, match="needs a note"):
        proposal_decide(proposal=proposal, user=admin_user, approve=False, note=" ")
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED
    assert proposal.decided_by is None


def test_it_refuses_invalid_transitions(hr, admin_user, year, nurse):
    draft = _draft(hr, year, nurse)
    with pytest.raises(ProposalError, match="Only a submitted proposal"):
        proposal_decide(proposal=draft, user=admin_user, approve=True, note="")
    approved = proposal_decide(
        proposal=_submitted(hr, year, nurse), user=admin_user, approve=True, note=""
    )
    with pytest.raises(ProposalError, match="Only a draft can be submitted"):
        proposal_submit(proposal=approved, user=hr)
    with pytest.raises(ProposalError):
        proposal_decide(proposal=approved, user=admin_user, approve=False, note="Salah")
    with pytest.raises(ProposalError, match="Only a draft can be changed"):
        proposal_update_items(proposal=approved, items=[(nurse, AsnType.PNS, 2, "Dua")])
    draft.refresh_from_db()
    approved.refresh_from_db()
    assert (draft.status, draft.decided_by) == (Status.DRAFT, None)
    assert (approved.status, approved.decision_note) == (Status.APPROVED, "")


def test_it_tells_the_user_when_a_transition_is_refused(client_as, hr, year, nurse):
    proposal = _submitted(hr, year, nurse)
    response = client_as(hr).post(
        reverse("workforce:proposal_submit", args=[proposal.pk]), follow=True, **EN
    )
    assert "Only a draft can be submitted" in response.content.decode()


def test_it_lets_only_one_of_two_stale_submits_succeed(hr, year, nurse):
    proposal = _draft(hr, year, nurse)
    first = FormationProposal.objects.get(pk=proposal.pk)
    second = FormationProposal.objects.get(pk=proposal.pk)
    proposal_submit(proposal=first, user=hr)
    with pytest.raises(ProposalError):
        proposal_submit(proposal=second, user=hr)
    assert second.status == Status.SUBMITTED  # refreshed to what is really stored


def test_it_lets_only_one_of_two_stale_decisions_succeed(hr, admin_user, year, nurse):
    proposal = _submitted(hr, year, nurse)
    first = FormationProposal.objects.get(pk=proposal.pk)
    second = FormationProposal.objects.get(pk=proposal.pk)
    proposal_decide(proposal=first, user=admin_user, approve=True, note="")
    with pytest.raises(ProposalError):
        proposal_decide(proposal=second, user=admin_user, approve=False, note="Tidak")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_note) == (Status.APPROVED, "")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_lets_only_one_of_two_simultaneous_submits_win(hr):
    # Real transactions: an earlier transactional test may have flushed the seeded sectors.
    reference_data_ensure()
    year = PlanningYearFactory(year=2026)
    nurse = PositionFactory()
    proposal = _draft(hr, year, nurse)
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            stale = FormationProposal.objects.get(pk=proposal.pk)
            barrier.wait(timeout=10)
            proposal_submit(proposal=stale, user=hr)
            outcomes.append("submitted")
        except ProposalError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "submitted"]
    assert FormationProposal.objects.get(pk=proposal.pk).status == Status.SUBMITTED


# --- pages and who may see them --------------------------------------------------------------


def test_it_shows_the_items_gaps_and_history(client_as, hr, admin_user, year, nurse, dentist):
    proposal = _submitted(hr, year, nurse, dentist)
    proposal_decide(proposal=proposal, user=admin_user, approve=False, note="Tunda ke 2027.")
    response = client_as(hr).get(proposal.get_absolute_url(), **EN)
    assert response.status_code == 200
    gaps = {item.position: item.gap for item in response.context["items"]}
    assert gaps == {nurse: 2, dentist: 1}
    page = response.content.decode()
    for text in (
        "Perawat Terampil",
        nurse.unit.name,
        "Beban kerja Dokter Gigi",
        "PPPK",
        "2 short",
        "Rejected",
        "Tunda ke 2027.",
        str(hr),
        str(admin_user),
        " WIB",
        "table-responsive",
    ):
        assert text in page, text
    assert 'name="decision"' not in page  # decided: nothing left to decide


def test_it_shows_the_decision_form_to_the_head_of_office_only(
    client_as, hr, admin_user, year, nurse
):
    proposal = _submitted(hr, year, nurse)
    assert 'value="approve"' not in client_as(hr).get(proposal.get_absolute_url()).content.decode()
    page = client_as(admin_user).get(proposal.get_absolute_url()).content.decode()
    assert 'value="approve"' in page
    assert 'value="reject"' in page


def test_it_lists_the_proposals_with_their_totals(client_as, hr, year, nurse, dentist):
    _draft(hr, year, nurse, dentist, title="Usulan A")
    response = client_as(hr).get(reverse("workforce:proposal_list"), **EN)
    assert response.status_code == 200
    [proposal] = response.context["page"]
    assert (proposal.item_count, proposal.total_proposed) == (2, 2)
    page = response.content.decode()
    assert "Usulan A" in page
    assert "Draft" in page


def test_it_keeps_the_list_page_query_count_flat(
    page_cache_off, client_as, hr, year, nurse, dentist
):
    client = client_as(hr)
    url = reverse("workforce:proposal_list")
    client.get(url)  # warm up: the session and the first-request work are not the list's cost
    for _ in range(2):
        _submitted(hr, year, nurse, dentist)
    with CaptureQueriesContext(connection) as with_two:
        assert client.get(url).status_code == 200
    for _ in range(18):
        _draft(hr, year, nurse, dentist)
    with CaptureQueriesContext(connection) as with_twenty:
        response = client.get(url)
    assert len(response.context["page"]) == 20
    # The session, the user, the user's roles, the paginator's count and the page of
    # proposals with their year, people and totals in one query.
    assert len(with_twenty) == len(with_two) <= 6  # +1: the header's unread-notification count


def test_it_stays_within_the_query_budget_on_the_detail_page(
    page_cache_off, client_as, hr, year, nurse, dentist, django_assert_max_num_queries
):
    proposal = _submitted(hr, year, nurse, dentist)
    client = client_as(hr)
    client.get(proposal.get_absolute_url())
    # session, user, roles, proposal, items, gaps
    with django_assert_max_num_queries(7):  # +1: the header's unread-notification count
        client.get(proposal.get_absolute_url())


def _urls(pk):
    return [
        ("get", reverse("workforce:proposal_list")),
        ("get", reverse("workforce:proposal_create")),
        ("get", reverse("workforce:proposal_detail", args=[pk])),
        ("get", reverse("workforce:proposal_edit", args=[pk])),
        ("post", reverse("workforce:proposal_submit", args=[pk])),
        ("post", reverse("workforce:proposal_decide", args=[pk])),
    ]


def test_it_sends_anonymous_visitors_to_sign_in(client, hr, year, nurse):
    proposal = _draft(hr, year, nurse)
    for method, url in _urls(proposal.pk):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


@pytest.mark.parametrize("persona", ["applicant", "resident", "employee", "moderator"])
def test_it_forbids_everyone_but_hr_and_the_head_of_office(
    request, client_as, persona, hr, year, nurse
):
    proposal = _submitted(hr, year, nurse)
    client = client_as(request.getfixturevalue(persona))
    for method, url in _urls(proposal.pk):
        assert getattr(client, method)(url, {"decision": "approve"}).status_code == 403, url
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED


def test_it_forbids_hr_to_decide(client_as, hr, year, nurse):
    proposal = _submitted(hr, year, nurse)
    response = client_as(hr).post(
        reverse("workforce:proposal_decide", args=[proposal.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED


def test_it_gives_404_for_a_missing_proposal(client_as, admin_user):
    client = client_as(admin_user)
    for method, url in _urls(999_999)[2:]:
        assert getattr(client, method)(url, {"decision": "approve"}).status_code == 404, url


def test_it_only_accepts_post_to_change_the_status(client_as, admin_user, year, nurse):
    proposal = _draft(admin_user, year, nurse)
    client = client_as(admin_user)
    assert client.get(reverse("workforce:proposal_submit", args=[proposal.pk])).status_code == 405
    assert client.get(reverse("workforce:proposal_decide", args=[proposal.pk])).status_code == 405
    assert ProposalItem.objects.filter(proposal=proposal).count() == 1


def test_it_accepts_items_as_named_tuples(hr, year, nurse):
    item = ProposalItemInput(position=nurse, asn_type=AsnType.PNS, count=2, justification=" Dua ")
    proposal = proposal_create(planning_year=year, title=" Usulan ", items=[item], user=hr)
    assert proposal.title == "Usulan"
    assert proposal.items.get().justification == "Dua"


@pytest.mark.parametrize("position", ["", "abc", "999999"])
def test_a_tampered_position_is_refused_with_a_message_not_a_500(client_as, hr, nurse, position):
    data = _form_data([(nurse, AsnType.PNS, 3, "Kurang perawat")])
    data["items-0-position"] = position
    response = client_as(hr).post(reverse("workforce:proposal_create") + "?year=2026", data, **EN)
    assert response.status_code == 200
    assert "The proposal was not saved" in response.content.decode()
    assert not FormationProposal.objects.exists()


def test_a_field_with_an_error_is_described_by_its_message(client_as, hr, nurse):
    """Django adds aria-invalid and aria-describedby="<id>_helptext <id>_error" to a field with
    errors: the row template must have the element with that id."""
    data = _form_data([(nurse, AsnType.PNS, 3, "")])
    page = (
        client_as(hr)
        .post(reverse("workforce:proposal_create") + "?year=2026", data, **EN)
        .content.decode()
    )
    assert (
        'aria-describedby="id_items-0-justification_helptext id_items-0-justification_error"'
        in page
    )
    assert 'id="id_items-0-justification_error"' in page
    assert 'aria-invalid="true"' in page
