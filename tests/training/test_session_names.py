"""A session is named by programme, batch and dates everywhere (Session.__str__), the dates
written short and in the reader's language."""

from datetime import date

import pytest
from django.utils import translation

from tests.training.factories import ProgrammeFactory, SessionFactory
from training.models import date_range

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "end", "english", "indonesian"),
    [
        (date(2027, 3, 3), date(2027, 3, 5), "3–5 Mar 2027", "3–5 Mar 2027"),
        (date(2027, 3, 3), date(2027, 3, 3), "3 Mar 2027", "3 Mar 2027"),
        (date(2027, 2, 28), date(2027, 3, 2), "28 Feb – 2 Mar 2027", "28 Feb – 2 Mar 2027"),
        (
            date(2026, 12, 30),
            date(2027, 1, 2),
            "30 Dec 2026 – 2 Jan 2027",
            "30 Des 2026 – 2 Jan 2027",
        ),
        (date(2027, 8, 1), date(2027, 8, 3), "1–3 Aug 2027", "1–3 Agu 2027"),
    ],
)
def test_it_writes_the_dates_short_in_the_readers_language(start, end, english, indonesian):
    with translation.override("en"):
        assert date_range(start, end) == english
    with translation.override("id"):
        assert date_range(start, end) == indonesian


def test_it_names_a_session_by_programme_batch_and_dates():
    session = SessionFactory(
        programme=ProgrammeFactory(name="Pelayanan Prima"),
        title="Batch 2",
        starts_on=date(2027, 3, 3),
        ends_on=date(2027, 3, 5),
        enrolment_opens_on=date(2027, 2, 1),
        enrolment_closes_on=date(2027, 3, 1),
    )
    with translation.override("en"):
        assert str(session) == "Pelayanan Prima — Batch 2 (3–5 Mar 2027)"
    session.title = ""
    with translation.override("en"):
        assert str(session) == "Pelayanan Prima (3–5 Mar 2027)"


def test_two_batches_of_one_programme_read_differently():
    programme = ProgrammeFactory(name="Pelayanan Prima")
    first = SessionFactory(programme=programme, title="Angkatan I")
    second = SessionFactory(programme=programme, title="Angkatan I")
    second.starts_on = first.starts_on.replace(year=first.starts_on.year + 1)
    second.ends_on = second.starts_on
    assert str(first) != str(second)
