"""The error summary on the hand-written and the long forms of workforce and recruitment: each
failed form shows one summary before its fields, every error in it links to an element id that is
on the page (the field to correct: a row's own field in a long form), and what was typed is kept.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from recruitment.models import AdminResult
from recruitment.selectors.screening import screening_version
from tests.core.test_error_summary import links_of, summary_of
from tests.factories import FormationFactory, PlanningYearFactory, PositionFactory, abk_with_minutes
from tests.recruitment.factories_scores import formation as scored_formation
from tests.recruitment.factories_screening import assign, reason, submitted_application
from tests.recruitment.test_appointments import _nip, _passed, _period
from tests.workforce.test_proposals import _form_data as proposal_data
from tests.workforce.test_proposals import _submitted
from workforce.models import AsnType, FormationProposal

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _items(summary: str) -> list[str]:
    return re.findall(r"<li>(.*?)</li>", summary, re.S)


# --- workforce: a proposal of 20+ positions ---------------------------------------------------


@pytest.fixture
def shortages():
    """22 positions, each one short (75,000 minutes of work and nobody in post)."""
    year = PlanningYearFactory(year=2026)
    positions = []
    for number in range(22):
        position = PositionFactory(name=f"Jabatan Kurang {number:02d}", asn_type=AsnType.PNS)
        abk_with_minutes(position, year, [75_000])
        positions.append(position)
    return positions


def _proposal_rows(response):
    return {
        row["position"].value(): index for index, row in enumerate(response.context["form"].items)
    }


def test_a_long_proposal_links_each_failing_row_by_its_own_field_ids(client_as, hr, shortages):
    rows = [(position, AsnType.PNS, 1, f"Alasan {position.name}") for position in shortages]
    rows[3] = (shortages[3], AsnType.PNS, 1, "")  # no justification
    rows[17] = (shortages[17], AsnType.PNS, 1, "")
    rows[20] = (shortages[20], AsnType.PNS, 1, "   ")  # blank once stripped
    data = proposal_data(rows, title="Usulan panjang")
    data["items-9-count"] = "banyak"  # not a number
    url = reverse("workforce:proposal_create") + "?year=2026"
    response = client_as(hr).post(url, data, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    summary = summary_of(page, 'name="title"')
    order = _proposal_rows(response)
    expected = [
        f"id_items-{order[str(shortages[n].pk)]}-{field}"
        for n, field in sorted(
            [(3, "justification"), (17, "justification"), (20, "justification"), (9, "count")],
            key=lambda pair: order[str(shortages[pair[0]].pk)],
        )
    ]
    assert links_of(summary, page) == expected
    # Each error names the position of its row, not only "Justification".
    for n in (3, 17, 20, 9):
        assert shortages[n].name in summary
    assert 'value="Usulan panjang"' in page
    assert "Alasan Jabatan Kurang 05" in page
    assert 'value="banyak"' in page
    assert not FormationProposal.objects.exists()


def test_a_proposal_with_nothing_proposed_links_to_the_first_number(client_as, hr, shortages):
    data = proposal_data([(position, AsnType.PNS, 0, "") for position in shortages])
    response = client_as(hr).post(reverse("workforce:proposal_create") + "?year=2026", data, **EN)
    page = response.content.decode()
    summary = summary_of(page, 'name="title"')
    assert "Propose at least one position" in summary
    assert links_of(summary, page) == ["id_items-0-count"]


def test_a_row_whose_shortage_is_gone_links_to_its_number(client_as, hr, shortages):
    from workforce.models import Position

    gone = PositionFactory(name="Sudah Terisi", asn_type=AsnType.PNS)
    data = proposal_data([(shortages[0], AsnType.PNS, 1, "Perlu"), (gone, AsnType.PNS, 1, "x")])
    response = client_as(hr).post(reverse("workforce:proposal_create") + "?year=2026", data, **EN)
    page = response.content.decode()
    summary = summary_of(page, 'name="title"')
    assert "no longer has a shortage" in summary
    assert links_of(summary, page) == ["id_items-1-count"]
    assert Position.objects.filter(pk=gone.pk).exists()


# --- workforce: the decision on a proposal ----------------------------------------------------


@pytest.fixture
def submitted(hr, shortages):
    return _submitted(hr, PlanningYearFactory._meta.model.objects.get(year=2026), shortages[0])


def test_the_decision_form_links_the_missing_note(client_as, admin_user, submitted):
    url = reverse("workforce:proposal_decide", args=[submitted.pk])
    response = client_as(admin_user).post(url, {"decision": "reject", "note": "  "}, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    summary = summary_of(page, 'name="note"')
    assert links_of(summary, page) == ["id_note"]
    with translation.override("en"):
        assert "Please explain why the proposal is rejected." in summary
    submitted.refresh_from_db()
    assert submitted.status == FormationProposal.Status.SUBMITTED


def test_the_decision_form_links_a_missing_decision_to_its_buttons(
    client_as, admin_user, submitted
):
    url = reverse("workforce:proposal_decide", args=[submitted.pk])
    response = client_as(admin_user).post(url, {"note": "Catatan yang diketik"}, **EN)
    page = response.content.decode()
    summary = summary_of(page, 'name="note"')
    assert links_of(summary, page) == ["id_decision"]
    assert re.search(r'<button[^>]*value="approve"[^>]*id="id_decision"', page)
    assert "Catatan yang diketik" in page


# --- recruitment: the screening of each document ----------------------------------------------


@pytest.fixture
def screening(client_as):
    from accounts.roles import Role
    from tests.factories import UserFactory

    application = submitted_application(FormationFactory())
    verifier = UserFactory(roles=[Role.VERIFIER], is_staff=True)
    assign(application.period, verifier)
    requirements = {r.slug: r for r in application.formation.required_documents.all()}
    return client_as(verifier), application, requirements


def _screening_data(application, requirements, version=None, **answers):
    data = {"version": version if version is not None else screening_version(application)}
    for slug, requirement in requirements.items():
        result, reason_pk, note = answers.get(slug, ("", "", ""))
        data[f"result_{requirement.pk}"] = result
        data[f"reason_{requirement.pk}"] = reason_pk
        data[f"note_{requirement.pk}"] = note
    return data


def test_the_screening_links_each_documents_own_field(screening):
    client, application, requirements = screening
    ijazah, photo = requirements["ijazah"], requirements["pas-foto"]
    data = _screening_data(
        application,
        requirements,
        **{"ijazah": (AdminResult.TMS, "", "Cap buram"), "pas-foto": ("XX", "", "")},
    )
    url = reverse("recruitment:screening_application", args=[application.pk])
    response = client.post(url, data, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    summary = summary_of(page, f'name="result_{min(requirements.values(), key=lambda r: r.pk).pk}"')
    assert "The screening was not saved" in summary
    assert sorted(links_of(summary, page)) == sorted(
        [f"id_reason_{ijazah.pk}", f"id_result_{photo.pk}_0"]
    )
    texts = _items(summary)
    assert any(str(ijazah.label) in text and "Choose the reason for TMS." in text for text in texts)
    assert any(str(photo.label) in text for text in texts)
    assert "Cap buram" in page
    assert page.count("data-error-summary") == 1


def test_the_screening_lists_a_newer_save_by_someone_else(screening):
    client, application, requirements = screening
    stale = screening_version(application)
    data = _screening_data(
        application, requirements, **{"ijazah": (AdminResult.TMS, reason().pk, "")}
    )
    url = reverse("recruitment:screening_application", args=[application.pk])
    client.post(url, data, **EN)  # saved: the version moves on
    data = _screening_data(
        application, requirements, version=stale, **{"ijazah": (AdminResult.MS, "", "ketik")}
    )
    response = client.post(url, data, **EN)
    page = response.content.decode()
    summary = summary_of(page, f'name="result_{requirements["ijazah"].pk}"')
    assert "Someone else saved this application" in summary
    assert "ketik" in page


# --- recruitment: the appointment of a batch (TMT) --------------------------------------------

appointments_db = pytest.mark.postgres


@appointments_db
def test_the_appointment_form_links_the_start_date_the_ticks_and_a_nip(client_as, hr):
    period = _period()
    place = scored_formation(period, quota=2)
    first, second = _passed(place), _passed(place)
    url = reverse("recruitment:appointments", args=[period.pk])
    data = {"tmt": "2026-02-30", f"nip_{second.pk}": "123"}
    response = client_as(hr).post(url, data, **EN)
    assert response.status_code == 400
    page = response.content.decode()
    summary = summary_of(page, 'name="tmt"')
    targets = links_of(summary, page)
    assert targets[0] == "id_tmt"
    # "Tick at least one person" links to the first person's tick (the ticks are per row).
    ticks = [target for target in targets if target.startswith("tick-")]
    assert len(ticks) == 1 and ticks[0] in (f"tick-{first.pk}", f"tick-{second.pk}")
    assert page.index(f'id="{ticks[0]}"') < page.index(
        f'id="tick-{second.pk if ticks[0] == f"tick-{first.pk}" else first.pk}"'
    )
    assert f"id_nip_{second.pk}" in targets
    assert len(targets) == len(_items(summary))
    assert 'value="123"' in page


@appointments_db
def test_a_refused_batch_lists_the_services_problems_in_the_summary(client_as, hr):
    period = _period()
    place = scored_formation(period, quota=1)
    first, second = _passed(place), _passed(place)
    url = reverse("recruitment:appointments", args=[period.pk])
    data = {
        "tmt": "2026-12-01",
        "selected": [str(first.pk), str(second.pk)],
        f"nip_{first.pk}": _nip(first),
    }
    response = client_as(hr).post(url, data, **EN)
    assert response.status_code == 400
    page = response.content.decode()
    summary = summary_of(page, 'name="tmt"')
    assert "Nobody was appointed" in summary
    assert _items(summary)  # the service's reasons, one per line
    assert f'value="{_nip(first)}"' in page
    assert 'value="2026-12-01"' in page


def test_the_second_check_forms_show_the_summary_too(screening, client_as, hr):
    """The page's small forms are rendered with `|crispy`, whose error block is the summary."""
    from recruitment.services.screening import CheckInput, screening_save

    _client, application, requirements = screening
    period = application.period
    period.second_check_required = True
    period.save(update_fields=["second_check_required"])
    screening_save(
        application=application,
        actor=application.period.assignments.first().user,
        checks=[
            CheckInput(requirement_id=r.pk, result=AdminResult.MS) for r in requirements.values()
        ],
    )
    url = reverse("recruitment:screening_return", args=[application.pk])
    response = client_as(hr).post(url, {"return-note": "   "}, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    summary = summary_of(page, 'name="return-note"')
    assert links_of(summary, page) == ["id_return-note"]
