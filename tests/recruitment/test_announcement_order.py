"""The published lists, read on a phone: inside each formation those who passed come first, then
the others by how near they came, each by rank; the page and the PDF in the same order. On a
phone the part scores and the rank columns give way, their values shown in the kept cells."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from recruitment.models import AdminResult, Announcement, ApplicationEvent, ExamResult, Milestone
from recruitment.selectors.announcements import announcement_rows
from tests.recruitment.factories_selection import closed_period, formation_in, screened_application

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
Kind = Announcement.Kind
NUMBER = re.compile(r"RKP-2026-\d{6}")


@pytest.fixture
def period():
    return closed_period()


def _ranked(formation, **fields):
    application = screened_application(formation)
    ExamResult.objects.create(application=application, ranked_at=timezone.now(), **fields)
    return application


def _announce(period, kind):
    return Announcement.objects.create(period=period, kind=kind)


def _numbers_in(text):
    return NUMBER.findall(text)


def _pdf_numbers(client, announcement):
    response = client.get(reverse("recruitment:announcement_pdf", args=[announcement.pk]))
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    return _numbers_in("".join(page.extract_text() for page in reader.pages))


def _page_numbers(client, announcement):
    response = client.get(reverse("recruitment:announcement_detail", args=[announcement.pk]))
    assert response.status_code == 200
    return _numbers_in(response.content.decode()), response.content.decode()


def test_it_lists_the_final_result_passers_first_then_by_rank(client, period):
    first, second = formation_in(period), formation_in(period)
    # Created (so numbered) in an order unlike the outcome's.
    made = {
        "none yet": _ranked(first, final_code=""),
        "TMS": _ranked(first, final_code="TMS"),
        "TH": _ranked(first, final_code="TH"),
        "TL 3": _ranked(first, final_code="TL", final_rank=3, final_score="61.500"),
        "L-1 4": _ranked(first, final_code="L-1", final_rank=4, final_score="60.250"),
        "TL 2": _ranked(first, final_code="TL", final_rank=2, final_score="70.125"),
        "APS": _ranked(first, final_code="APS"),
        "TMS-1": _ranked(first, final_code="TMS-1"),
        "L 1": _ranked(first, final_code="L", final_rank=1, final_score="80.500"),
        "other L": _ranked(second, final_code="L", final_rank=1, final_score="75.000"),
        "other TL": _ranked(second, final_code="TL", final_rank=2, final_score="74.000"),
    }
    order = ["L 1", "L-1 4", "TL 2", "TL 3", "TH", "TMS-1", "TMS", "APS", "none yet"]
    expected = [made[key].registration_number for key in order]
    expected += [made["other L"].registration_number, made["other TL"].registration_number]
    if first.pk > second.pk:  # formations in the order of their ids
        expected = expected[-2:] + expected[:-2]
    announcement = _announce(period, Kind.FINAL)

    rows = announcement_rows(announcement)
    numbers, html = _page_numbers(client, announcement)

    assert [row.application.registration_number for row in rows] == expected
    assert numbers == expected
    assert _pdf_numbers(client, announcement) == expected
    # On a phone the score and the rank stay in sight in the outcome's cell.
    assert re.search(r"Final score 80[.,]50*</span> · <span class=\"text-nowrap\">Rank 1<", html)


def test_it_lists_the_skd_result_by_code_then_by_rank(client, period):
    formation = formation_in(period)
    made = {
        "TH": _ranked(formation, skd_code="TH"),
        "P 3": _ranked(formation, skd_code="P", skd_rank=3, skd_total=390),
        "TL": _ranked(formation, skd_code="TL", skd_total=250),
        "P/L 2": _ranked(formation, skd_code="P/L", skd_rank=2, skd_total=400),
        "DIS": _ranked(formation, skd_code="DIS"),
        "P/L 1": _ranked(formation, skd_code="P/L", skd_rank=1, skd_total=420),
    }
    expected = [made[k].registration_number for k in ("P/L 1", "P/L 2", "P 3", "TL", "TH", "DIS")]
    announcement = _announce(period, Kind.SKD)

    numbers, html = _page_numbers(client, announcement)

    assert numbers == expected
    assert _pdf_numbers(client, announcement) == expected
    assert "Total 420" in html and "Rank 1" in html


@pytest.mark.parametrize("kind", [Kind.ADMIN, Kind.POST_APPEAL])
def test_it_lists_the_administrative_result_ms_first(client, period, kind):
    formation = formation_in(period)
    milestone = {Kind.ADMIN: Milestone.ADMIN_RESULT, Kind.POST_APPEAL: Milestone.POST_APPEAL_RESULT}
    made = []
    for result in ("TMS", "MS", "TMS", "MS"):
        application = screened_application(formation, result=AdminResult(result))
        ApplicationEvent.objects.create(
            application=application, status=milestone[kind], note=result
        )
        made.append(application.registration_number)
    announcement = _announce(period, kind)

    numbers, _html = _page_numbers(client, announcement)

    assert numbers == [made[1], made[3], made[0], made[2]]
    assert _pdf_numbers(client, announcement) == numbers


def test_it_keeps_the_outcome_and_hides_only_the_part_scores_on_a_phone(client, period):
    formation = formation_in(period)
    _ranked(formation, twk=101, tiu=121, tkp=171, skd_total=393, skd_code="P/L", skd_rank=1)
    announcement = _announce(period, Kind.SKD)

    _numbers, html = _page_numbers(client, announcement)

    # Every column but the registration number and the outcome folds below md...
    head = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    headings = re.findall(r"<th scope=\"col\"([^>]*)>", head)
    assert len(headings) == 7
    assert [("d-none" in attrs) for attrs in headings] == [False] + [True] * 5 + [False]
    # ...and its values are repeated in the two kept cells.
    assert "TWK 101" in html and "TIU 121" in html and "TKP 171" in html
    assert "Total 393" in html and "Rank 1" in html


def test_it_searches_a_number_in_the_outcome_order(client, period):
    formation = formation_in(period)
    late = _ranked(formation, final_code="TL", final_rank=2)
    early = _ranked(formation, final_code="L", final_rank=1)
    announcement = _announce(period, Kind.FINAL)

    url = reverse("recruitment:announcement_detail", args=[announcement.pk])
    html = client.get(url, {"number": "RKP-2026"}).content.decode()

    assert _numbers_in(html) == [early.registration_number, late.registration_number]
