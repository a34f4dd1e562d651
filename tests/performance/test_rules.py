"""The rule data: the predikat matrix (all nine cells, docs/domain.md 4), BerAKHLAK, cycles."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from performance.models import BehaviourValue, Checkpoint, Cycle, PredikatRule, parse_day_list
from performance.services.cycles import MatrixError, cycle_ensure, predikat_for
from tests.performance.factories import cycle

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("hasil", "perilaku", "predikat"),
    [
        ("above", "below", "kurang"),
        ("above", "meets", "baik"),
        ("above", "above", "sangat_baik"),
        ("meets", "below", "kurang"),
        ("meets", "meets", "baik"),
        ("meets", "above", "baik"),
        ("below", "below", "sangat_kurang"),
        ("below", "meets", "butuh_perbaikan"),
        ("below", "above", "butuh_perbaikan"),
    ],
)
def test_it_reads_each_matrix_cell_from_the_data(hasil, perilaku, predikat):
    assert predikat_for(hasil_kerja=hasil, perilaku=perilaku) == predikat


def test_it_holds_the_matrix_as_nine_editable_rows():
    assert PredikatRule.objects.count() == 9
    PredikatRule.objects.filter(hasil_kerja="meets", perilaku="above").update(
        predikat="sangat_baik"
    )
    assert predikat_for(hasil_kerja="meets", perilaku="above") == "sangat_baik"


@pytest.mark.parametrize("bad", [("great", "meets"), ("meets", ""), ("", "")])
def test_it_refuses_ratings_outside_the_allowed_values(bad):
    with pytest.raises(MatrixError):
        predikat_for(hasil_kerja=bad[0], perilaku=bad[1])


def test_it_seeds_the_seven_berakhlak_values_in_both_languages():
    values = list(BehaviourValue.objects.order_by("order"))
    assert [v.name for v in values] == [
        "Berorientasi Pelayanan",
        "Akuntabel",
        "Kompeten",
        "Harmonis",
        "Loyal",
        "Adaptif",
        "Kolaboratif",
    ]
    assert all(v.name_en for v in values)


@pytest.mark.parametrize(
    ("frequency", "periods"), [("monthly", 12), ("quarterly", 4), ("semester", 2)]
)
def test_it_generates_checkpoints_for_the_frequency(frequency, periods):
    the_cycle = cycle(2030, frequency=frequency, review_due_days=5)
    periodic = the_cycle.checkpoints.filter(kind=Checkpoint.Kind.PERIODIC).order_by("number")
    assert periodic.count() == periods
    assert periodic.last().period_end == dt.date(2030, 12, 31)
    assert periodic.first().due_date == periodic.first().period_end + dt.timedelta(days=5)
    assert the_cycle.checkpoints.filter(kind=Checkpoint.Kind.ANNUAL).count() == 1
    cycle_ensure(year=2030)  # safe to run again
    assert the_cycle.checkpoints.count() == periods + 1


@pytest.mark.parametrize("raw", ["7,x", "-1", "", "400"])
def test_it_refuses_bad_reminder_offsets(raw):
    with pytest.raises(ValidationError):
        parse_day_list(raw)
    with pytest.raises(ValidationError):
        Cycle(year=2031, skp_due_date=dt.date(2031, 1, 31), reminder_offsets=raw).full_clean()


def test_it_parses_offsets_largest_first():
    assert parse_day_list("1, 7,7") == [7, 1]
