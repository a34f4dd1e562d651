"""A formation's SKB parts (docs/domain.md 1.8, PermenPANRB 6/2024 Pasal 22): the scored parts'
weights add up to 100, the CAT weighs at least the period's minimum share, an elimination part
is passed or failed (no weight), and the parts are locked once registration opens; the SKB file
takes one column per part, and failing an elimination part gives TMS-1 after the ranking.

Expected final scores are worked out by hand from docs/domain.md 1.8: final = 40 x SKD / 550 +
60 x SKB share, where the SKB share of a formation with parts is the sum of weight% x score /
part maximum, and of one without parts the score / the period's SKB maximum (500)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from recruitment.models import (
    ExamResult,
    FinalCode,
    SelectionPeriod,
    SkbPart,
    SkbScore,
    SkdCode,
)
from recruitment.services.ranking import rank_period
from recruitment.services.scores import (
    ScoreError,
    exam_result_update,
    score_import_apply,
    score_import_create,
)
from recruitment.services.skb import PartInput, SkbError, skb_parts_problems, skb_parts_set
from tests.recruitment.factories_scores import (
    application,
    formation,
    result_of,
    scored,
    scored_period,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

TICK = timedelta(microseconds=1)

CAT_SHARE = "The CAT must weigh at least"
TOTAL = "must add up to 100"
ELIMINATION_WEIGHT = "give it no weight"
SAME_CODE = "its own column name"
LOCKED = "Registration has opened"


def cat(weight, code="cat", max_score=500):
    return PartInput(kind=SkbPart.Kind.CAT, code=code, weight=weight, max_score=max_score)


def interview(weight, code="wawancara", max_score=100):
    return PartInput(kind=SkbPart.Kind.INTERVIEW, code=code, weight=weight, max_score=max_score)


def physical(weight=0, code="fisik"):
    return PartInput(
        kind=SkbPart.Kind.PHYSICAL, code=code, weight=weight, max_score=100, eliminates=True
    )


def future_period(**kwargs):
    """Registration opens tomorrow: the SKB parts can still be stated."""
    now = timezone.now()
    kwargs.setdefault("registration_opens_at", now + timedelta(days=1))
    kwargs.setdefault("registration_closes_at", now + timedelta(days=20))
    return scored_period(post_appeal=False, **kwargs)


def stated(f, *parts):
    """State the formation's SKB parts before registration opens, as HR does, then let the
    period go on to its scores stage (registration opened five days ago)."""
    period = f.period
    opened = period.registration_opens_at
    SelectionPeriod.objects.filter(pk=period.pk).update(
        registration_opens_at=timezone.now() + timedelta(days=1)
    )
    created = skb_parts_set(formation=f, parts=list(parts), actor=None)
    SelectionPeriod.objects.filter(pk=period.pk).update(registration_opens_at=opened)
    return {part.code: part for part in created}


# --- the rules of the parts -----------------------------------------------------------------


def _kinds(problems):
    found = set()
    for problem in problems:
        for kind in (CAT_SHARE, TOTAL, ELIMINATION_WEIGHT, SAME_CODE, LOCKED):
            if kind in str(problem):
                found.add(kind)
    assert len(found) == len(problems), problems  # every problem is one of the kinds above
    return found


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([], set()),  # no parts: one SKB score out of the period's maximum
        ([cat(100)], set()),
        ([cat(50), interview(50)], set()),  # exactly the minimum share
        ([cat(51), interview(49)], set()),
        ([cat(49), interview(51)], {CAT_SHARE}),  # one below
        ([cat(50), interview(49)], {TOTAL}),  # 99
        ([cat(51), interview(50)], {TOTAL}),  # 101
        ([cat(49), interview(50)], {TOTAL, CAT_SHARE}),  # 99, and the CAT one below
        ([interview(100)], {CAT_SHARE}),  # no CAT at all: 0%
        ([cat(0), interview(0)], {TOTAL, CAT_SHARE}),
        ([cat(30, "cat1"), cat(30, "cat2"), interview(40)], set()),  # CAT parts add up: 60
        ([cat(60), interview(40), physical()], set()),  # an elimination part weighs nothing
        ([cat(60), interview(40), physical(10)], {ELIMINATION_WEIGHT}),
        ([cat(50, "a"), interview(50, "a")], {SAME_CODE}),
        (
            [PartInput(kind="cat", code="cat", weight=0, max_score=500, eliminates=True),
             interview(100)],
            {CAT_SHARE},
        ),  # a CAT that only eliminates does not count towards the share
    ],
)  # fmt: skip
def test_it_checks_the_weights_and_the_cat_share(parts, expected):
    f = formation(future_period())
    assert _kinds(skb_parts_problems(f, parts)) == expected


def test_it_names_the_numbers_in_the_problems():
    f = formation(future_period())
    problems = [str(p) for p in skb_parts_problems(f, [cat(49), interview(50)])]
    assert "(they add up to 99)" in problems[0]
    assert "at least 50% of the SKB (it weighs 49%)" in problems[1]


@pytest.mark.parametrize(
    ("minimum", "parts", "expected"),
    [
        (70, [cat(70), interview(30)], set()),
        (70, [cat(69), interview(31)], {CAT_SHARE}),
        (70, [cat(50), interview(50)], {CAT_SHARE}),  # enough in 2019, not for this period
        (0, [interview(100)], set()),
        (100, [cat(100)], set()),
        (100, [cat(99), interview(1)], {CAT_SHARE}),
    ],
)
def test_it_reads_the_cat_share_from_the_period(minimum, parts, expected):
    f = formation(future_period(skb_cat_min_share=minimum))
    assert _kinds(skb_parts_problems(f, parts)) == expected


@pytest.mark.parametrize(
    ("moment", "locked"),
    [(-TICK, False), (timedelta(0), True), (TICK, True), (timedelta(days=30), True)],
)
def test_it_locks_the_parts_when_registration_opens(moment, locked):
    period = future_period()
    f = formation(period)
    problems = skb_parts_problems(f, [cat(60), interview(40)], now=period.registration_opens_at
                                  + moment)  # fmt: skip
    assert _kinds(problems) == ({LOCKED} if locked else set())
    # Locked even for "no parts": the vacancy page said so already.
    assert bool(skb_parts_problems(f, [], now=period.registration_opens_at + moment)) == locked


def test_it_has_no_skb_in_a_pppk_period():
    f = formation(future_period(procurement_type="PPPK", age_min=20, age_max=59))
    (problem,) = skb_parts_problems(f, [cat(100)])
    assert "A PPPK selection has no SKB" in problem


def test_it_replaces_the_parts_or_refuses_with_every_problem():
    f = formation(future_period())
    skb_parts_set(formation=f, parts=[cat(100)], actor=None)
    with pytest.raises(SkbError) as refused:
        skb_parts_set(formation=f, parts=[cat(40), interview(50), physical(5)], actor=None)
    assert _kinds(refused.value.problems) == {CAT_SHARE, TOTAL, ELIMINATION_WEIGHT}
    assert [(p.code, p.weight) for p in f.skb_parts.all()] == [("cat", 100)]  # unchanged
    skb_parts_set(formation=f, parts=[cat(60), interview(40), physical()], actor=None)
    assert [(p.code, p.weight, p.eliminates, p.order) for p in f.skb_parts.all()] == [
        ("cat", 60, False, 0),
        ("wawancara", 40, False, 1),
        ("fisik", 0, True, 2),
    ]


def test_it_refuses_to_change_the_parts_once_registration_has_opened():
    f = formation(scored_period())  # registration opened five days ago
    with pytest.raises(SkbError) as refused:
        skb_parts_set(formation=f, parts=[cat(100)], actor=None)
    assert _kinds(refused.value.problems) == {LOCKED}
    assert not f.skb_parts.exists()


# --- the part codes are the score file's columns ----------------------------------------------


def test_it_keeps_each_part_code_as_the_file_will_name_it():
    """The file's header is read in lower case, with "-" and " " as "_": a part must be stored
    the same way, or its column can never be found."""
    f = formation(future_period())
    skb_parts_set(formation=f, parts=[cat(60, "CAT"), interview(40, "tes-wawancara")], actor=None)
    assert list(f.skb_parts.values_list("code", flat=True)) == ["cat", "tes_wawancara"]


@pytest.mark.parametrize(
    "parts",
    [
        [cat(60, "cat"), interview(40, "CAT")],  # the same column once read
        [cat(60, "tes-cat"), interview(40, "tes_cat")],
    ],
)
def test_it_refuses_two_parts_that_the_file_cannot_tell_apart(parts):
    f = formation(future_period())
    assert _kinds(skb_parts_problems(f, parts)) == {SAME_CODE}


@pytest.mark.parametrize("code", ["skb", "presence", "registration_number", "Presence"])
def test_it_refuses_a_part_named_like_another_column_of_the_file(code):
    f = formation(future_period())
    problems = [str(p) for p in skb_parts_problems(f, [cat(60), interview(40, code)])]
    assert len(problems) == 1
    assert "is already a column of the SKB score file" in problems[0]


def test_it_imports_a_file_whose_header_is_written_as_hr_typed_the_parts(hr):
    period = scored_period()
    f = formation(period)
    stated(f, cat(60, "CAT"), interview(40, "Tes-Wawancara"))
    app = application(f, number="H-1")
    ExamResult.objects.create(application=app, skd_code=SkdCode.PL)
    text = "registration_number,CAT,Tes-Wawancara,presence\nH-1,400,80,present\n"
    score_import = score_import_create(
        period=period, kind="skb", file_name="skb.csv", data=text.encode(), user=hr
    )
    assert score_import.errors == []


# --- the SKB file, one column per part ---------------------------------------------------------

SKB_HEADER = "registration_number,skb,cat,wawancara,fisik,presence\n"


@pytest.fixture
def period():
    return scored_period()


@pytest.fixture
def with_parts(period):
    """Formation A: CAT 60% out of 500, interview 40% out of 100, a physical elimination test.
    Formation B: no parts (one SKB score out of 500)."""
    a = formation(period, quota=1)
    parts = stated(a, cat(60), interview(40), physical())
    b = formation(period, quota=1)
    return a, b, parts


def _skb_import(period, text, user=None):
    return score_import_create(
        period=period, kind="skb", file_name="skb.csv", data=text.encode(), user=user
    )


def _errors(score_import):
    return {(e["row"], e["column"]): e["message"] for e in score_import.errors}


def test_it_checks_each_part_column_of_a_row(period, with_parts):
    a, b, _parts = with_parts
    for i in range(1, 10):
        app = application(a, number=f"A-{i}")
        ExamResult.objects.create(application=app, skd_code=SkdCode.PL)
    ExamResult.objects.create(application=application(b, number="B-1"), skd_code=SkdCode.PL)
    text = SKB_HEADER + (
        "A-1,400,450,90,lulus,present\n"  # row 2: A has parts, not one SKB score
        "B-1,400,450,,,present\n"  # row 3: B has no CAT part
        "A-2,,501,70,lulus,present\n"  # row 4: CAT maximum 500 + 1
        "A-3,,300,100.5,lulus,present\n"  # row 5: above the interview's 100
        "A-4,,300,99.999,lulus,present\n"  # row 6: three decimals
        "A-5,,300,70,maybe,present\n"  # row 7: not a result
        "A-6,,300,,lulus,present\n"  # row 8: the interview is missing
        "A-7,,300,70,,present\n"  # row 9: the elimination test is missing
        "A-8,,300,70,lulus,TH\n"  # row 10: absent with scores
        "A-9,,,,,DIS\n"  # row 11: disqualified, nothing else
    )
    score_import = _skb_import(period, text)
    errors = _errors(score_import)
    assert set(errors) == {
        (2, "skb"),
        (3, "cat"),
        (4, "cat"),
        (5, "wawancara"),
        (6, "wawancara"),
        (7, "fisik"),
        (8, "wawancara"),
        (9, "fisik"),
        (10, "presence"),
    }
    assert "has no SKB part “skb”" in errors[(2, "skb")]
    assert "has no SKB part “cat”" in errors[(3, "cat")]
    assert errors[(4, "cat")] == "501 is above the maximum of 500."
    assert errors[(5, "wawancara")] == "100.5 is above the maximum of 100."
    assert errors[(6, "wawancara")] == "99.999 has more than two decimals."
    assert "is not a result" in errors[(7, "fisik")]
    assert errors[(8, "wawancara")] == "Enter the score: the applicant was present."
    assert errors[(9, "fisik")] == "Enter the score: the applicant was present."
    assert [row["registration_number"] for row in score_import.rows] == ["A-9"]


def test_it_asks_for_the_skb_column_only_when_a_formation_has_no_parts(period, with_parts):
    _a, b, _parts = with_parts
    b.skb_parts.all().delete()
    _ranked_in(b, 100, 100, 200, "B-1")  # an applicant at the SKB stage in B
    # B has no parts: the file needs "skb"; without it, the column is missing.
    missing = _skb_import(period, "registration_number,cat,wawancara,fisik,presence\nA-1\n")
    assert missing.errors[0]["message"] == "Missing columns: skb."


def _ranked_in(f, twk, tiu, tkp, number):
    return scored(f, twk, tiu, tkp, number=number)


@pytest.mark.parametrize(
    ("fisik", "codes"),
    [
        # A-1 would pass on the scores: failing the physical test eliminates them, and A-2 takes
        # the place.
        ("tidak lulus", {"A-1": FinalCode.TMS1, "A-2": FinalCode.L}),
        ("fail", {"A-1": FinalCode.TMS1, "A-2": FinalCode.L}),
        ("lulus", {"A-1": FinalCode.L, "A-2": FinalCode.TL}),
    ],
)
def test_it_weighs_the_parts_and_eliminates_after_the_ranking(period, with_parts, hr, fisik,
                                                              codes):  # fmt: skip
    a, b, _parts = with_parts
    a1 = _ranked_in(a, 120, 150, 200, "A-1")  # SKD 470
    a2 = _ranked_in(a, 100, 100, 180, "A-2")  # SKD 380
    a3 = _ranked_in(a, 100, 100, 170, "A-3")  # SKD 370
    b1 = _ranked_in(b, 100, 100, 200, "B-1")  # SKD 400
    rank_period(period=period)
    # Quota 1 x 3: all three of A go to the SKB, and B's one.
    assert {result_of(app).skd_code for app in (a1, a2, a3, b1)} == {SkdCode.PL}
    rows = [
        f"A-1,,450,90,{fisik},present",
        "A-2,,300,70,lulus,present",
        "A-3,,,,,TH",
        "B-1,400,,,,present",
    ]
    text = SKB_HEADER + "\n".join(rows) + "\n"
    score_import = _skb_import(period, text, user=hr)
    assert score_import.errors == []
    assert score_import_apply(score_import=score_import, user=hr) == 4
    rank_period(period=period)

    first, second, absent, other = (result_of(app) for app in (a1, a2, a3, b1))
    assert (first.final_code, second.final_code) == (codes["A-1"], codes["A-2"])
    # 60% x 450/500 + 40% x 90/100 = 54 + 36 = 90 out of 100.
    assert first.skb_weighted == Decimal("90.000")
    # 60% x 300/500 + 40% x 70/100 = 36 + 28 = 64; final 40 x 380/550 + 60 x 0.64
    # = 27.63636... + 38.4 = 66.03636... -> 66.036.
    assert second.skb_weighted == Decimal("64.000")
    assert second.final_score == Decimal("66.036")
    if codes["A-1"] == FinalCode.TMS1:
        assert (first.final_score, first.final_rank) == (None, None)
        assert second.final_rank == 1
    else:
        # 40 x 470/550 + 60 x 0.9 = 34.18181... + 54 = 88.18181... -> 88.182.
        assert (first.final_score, first.final_rank, second.final_rank) == (
            Decimal("88.182"),
            1,
            2,
        )
    assert absent.final_code == FinalCode.TH
    # B has no parts: 40 x 400/550 + 60 x 400/500 = 29.0909... + 48 = 77.0909... -> 77.091.
    assert (other.final_code, other.final_score, other.skb_weighted) == (
        FinalCode.L,
        Decimal("77.091"),
        None,
    )
    stored = {
        score.part.code: (score.score, score.passed)
        for score in SkbScore.objects.filter(result=first).select_related("part")
    }
    assert stored == {
        "cat": (Decimal("450.00"), None),
        "wawancara": (Decimal("90.00"), None),
        "fisik": (None, fisik == "lulus"),
    }


# --- the parts by hand ------------------------------------------------------------------------


@pytest.mark.parametrize(("passed", "code"), [(False, FinalCode.TMS1), (True, FinalCode.L)])
def test_it_records_an_elimination_part_by_hand(period, with_parts, hr, passed, code):
    """The scores form gives an elimination part as True or False (a NullBooleanField)."""
    a, _b, parts = with_parts
    app = _ranked_in(a, 120, 150, 200, "A-1")
    rank_period(period=period)
    exam_result_update(
        application=app,
        actor=hr,
        skd_presence="present",
        twk=120,
        tiu=150,
        tkp=200,
        skb_presence="present",
        skb_parts={
            parts["cat"].pk: Decimal("450"),
            parts["wawancara"].pk: Decimal("90"),
            parts["fisik"].pk: passed,
        },
    )
    rank_period(period=period)
    result = result_of(app)
    assert result.final_code == code
    assert SkbScore.objects.get(result=result, part=parts["fisik"]).passed is passed


def test_it_records_the_parts_through_the_scores_page(client_as, period, with_parts, hr):
    a, _b, parts = with_parts
    app = _ranked_in(a, 120, 150, 200, "A-1")
    rank_period(period=period)
    url = reverse("recruitment:scores_edit", args=[app.pk])
    response = client_as(hr).post(
        url,
        {
            "skd_presence": "present",
            "twk": 120,
            "tiu": 150,
            "tkp": 200,
            "skb_presence": "present",
            f"skb_part_{parts['cat'].pk}": "450",
            f"skb_part_{parts['wawancara'].pk}": "90",
            f"skb_part_{parts['fisik'].pk}": "false",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    rank_period(period=period)
    assert result_of(app).final_code == FinalCode.TMS1


def test_it_refuses_a_part_score_above_its_maximum_by_hand(period, with_parts, hr):
    a, _b, parts = with_parts
    app = _ranked_in(a, 120, 150, 200, "A-1")
    with pytest.raises(ScoreError, match="501 is above the maximum of 500"):
        exam_result_update(
            application=app,
            actor=hr,
            skd_presence="present",
            twk=120,
            tiu=150,
            tkp=200,
            skb_presence="present",
            skb_parts={
                parts["cat"].pk: Decimal("501"),
                parts["wawancara"].pk: Decimal("90"),
                parts["fisik"].pk: True,
            },
        )
    assert not SkbScore.objects.exists()


def test_it_clears_the_part_scores_with_the_skb(period, with_parts, hr):
    """HR empties an SKB entered by mistake: the attendance and every part go, so that the
    form does not show the old part scores again."""
    a, _b, parts = with_parts
    app = _ranked_in(a, 120, 150, 200, "A-1")
    skd = {"skd_presence": "present", "twk": 120, "tiu": 150, "tkp": 200}
    exam_result_update(
        application=app,
        actor=hr,
        skb_presence="present",
        skb_parts={
            parts["cat"].pk: Decimal("450"),
            parts["wawancara"].pk: Decimal("90"),
            parts["fisik"].pk: True,
        },
        **skd,
    )
    exam_result_update(
        application=app,
        actor=hr,
        skb_presence="",
        skb_parts={part.pk: None for part in parts.values()},
        **skd,
    )
    result = result_of(app)
    assert result.skb_presence == ""
    assert list(SkbScore.objects.filter(result=result).exclude(score=None, passed=None)) == []


# --- one SKB score (a formation without parts) --------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept", "refusal"),
    [
        ("500", "500.00", None),  # the period's maximum
        ("499.99", "499.99", None),
        ("0", "0.00", None),
        ("500.01", None, "500.01 is above the maximum of 500."),
        ("501", None, "501 is above the maximum of 500."),
        ("-0.01", None, "-0.01 is negative"),
        ("1.005", None, "1.005 has more than two decimals."),
        ("450,5", "450.50", None),  # a decimal comma
    ],
)
def test_it_checks_one_skb_score_against_the_period_maximum(period, typed, kept, refusal):
    f = formation(period)
    app = application(f, number="S-1")
    ExamResult.objects.create(application=app, skd_code=SkdCode.PL)
    text = f'registration_number,skb,presence\nS-1,"{typed}",present\n'
    score_import = _skb_import(period, text)
    if refusal is None:
        assert score_import.errors == []
        assert score_import.rows[0]["skb"] == kept
    else:
        assert [(e["column"], e["message"][: len(refusal)]) for e in score_import.errors] == [
            ("skb", refusal)
        ]


@pytest.mark.parametrize(
    ("part", "refused"),
    [
        (cat(100, max_score=1), False),  # the smallest maximum
        (cat(100, max_score=0), True),  # a score out of 0 cannot be weighed
        (PartInput(kind="cat", code="cat", weight=-10, max_score=500), True),
    ],
)
def test_it_refuses_a_part_out_of_nothing_or_with_a_negative_weight(part, refused):
    f = formation(future_period())
    parts = [part, interview(0)] if part.weight >= 0 else [part, interview(110)]
    problems = [str(p) for p in skb_parts_problems(f, parts)]
    named = [p for p in problems if "the weight runs from 0 to 100" in p]
    assert bool(named) is refused
    if refused:
        with pytest.raises(SkbError):
            skb_parts_set(formation=f, parts=parts, actor=None)
        assert not f.skb_parts.exists()


def test_a_failed_elimination_test_decides_without_the_other_scores(period, with_parts, hr):
    """Whoever fails an eliminating part is out at once (TMS-1): their other parts may stay
    empty, in the file and in the ranking; the next one takes the place."""
    a, b, _parts = with_parts
    out = _ranked_in(a, 120, 150, 200, "A-1")
    next_one = _ranked_in(a, 100, 100, 180, "A-2")
    other = _ranked_in(b, 100, 100, 200, "B-1")
    rank_period(period=period)
    rows = ["A-1,,,,tidak lulus,present", "A-2,,300,70,lulus,present", "B-1,400,,,,present"]
    score_import = _skb_import(period, SKB_HEADER + "\n".join(rows) + "\n", user=hr)
    assert score_import.errors == []
    score_import_apply(score_import=score_import, user=hr)
    rank_period(period=period)
    assert result_of(out).final_code == FinalCode.TMS1
    assert result_of(next_one).final_code == FinalCode.L
    assert result_of(other).final_code == FinalCode.L


def test_a_passed_elimination_test_still_needs_the_other_scores(period, with_parts, hr):
    a, _b, _parts = with_parts
    _ranked_in(a, 120, 150, 200, "A-1")
    rank_period(period=period)
    score_import = _skb_import(
        period, "registration_number,cat,wawancara,fisik,presence\nA-1,,,lulus,present\n", user=hr
    )
    assert {error["column"] for error in score_import.errors} >= {"cat", "wawancara"}, (
        score_import.errors
    )


def test_a_formation_without_parts_and_without_participants_asks_for_no_skb_column(
    period, with_parts
):
    from tests.recruitment.factories_scores import formation as make_formation

    make_formation(period, quota=1)  # no parts, nobody applied
    ok = _skb_import(period, "registration_number,cat,wawancara,fisik,presence\n")
    assert not any("Missing columns" in error["message"] for error in ok.errors)
