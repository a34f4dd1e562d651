"""The score formats at their edges (docs/domain.md 1.7 and 1.12), one table per rule, through
the rule itself (check_skd, check_pppk), a score file (score_import_create / score_import_apply)
and HR's entry of one application (exam_result_update and its page).

Every expected value is worked out here from the format, not read from the code: the SKD has
30 TWK, 35 TIU and 45 TKP questions; TWK and TIU score 5 per correct answer (so a multiple of
5), TKP 0 to 5 per question (any whole number); maxima 30 x 5 = 150, 35 x 5 = 175, 45 x 5 =
225. The 2024 PPPK test: technical 90 questions x 5 = 450 (a multiple of 5), managerial 25 x 4 =
100, socio-cultural 20 x 4 = 80, interview 40."""

import pytest
from django.urls import reverse

from recruitment.models import (
    ExamResult,
    FinalCode,
    Presence,
    SelectionPeriod,
)
from recruitment.services.ranking import rank_period
from recruitment.services.score_rules import ScoreError, check_pppk, check_skd, period_check_kind
from recruitment.services.scores import (
    exam_result_update,
    score_import_apply,
    score_import_create,
)
from tests.recruitment.factories_scores import application, formation, result_of, scored_period

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

# The SKD format of docs/domain.md 1.7, from the numbers of questions.
STEP = 5
TWK_MAX = 30 * STEP  # 150
TIU_MAX = 35 * STEP  # 175
TKP_MAX = 45 * 5  # 225: 1 to 5 per question
# The PPPK test of docs/domain.md 1.12.
TEKNIS_MAX = 90 * 5  # 450
MANAJERIAL_MAX = 25 * 4  # 100
SOSIOKULTURAL_MAX = 20 * 4  # 80
WAWANCARA_MAX = 40

SKD_HEADER = "registration_number,twk,tiu,tkp,presence\n"
PPPK_HEADER = "registration_number,teknis,manajerial,sosiokultural,wawancara,presence\n"

# What each refusal says, by kind (the numbers are checked separately, in the message).
ABOVE = "above the maximum of"
NEGATIVE = "is negative"
NOT_WHOLE = "is not a whole number"
NOT_NUMBER = "is not a number"
NOT_MULTIPLE = "is a multiple of"
MISSING = "Enter the score: the applicant was present."
ABSENT_WITH_SCORES = "An absent applicant (TH) cannot have scores."


def _skd_row(**given):
    row = {"twk": "100", "tiu": "100", "tkp": "200", "presence": "present"}
    row.update(given)
    return row


def _pppk_row(**given):
    row = {
        "teknis": "300",
        "manajerial": "70",
        "sosiokultural": "60",
        "wawancara": "30",
        "presence": "present",
    }
    row.update(given)
    return row


def _default_period():
    return SelectionPeriod()  # the model's defaults: the 2024 formats


# --- SKD: one value --------------------------------------------------------------------------

# (column, typed, the value kept, or the refusal and the number it names)
SKD_VALUES = [
    # TWK: multiples of 5 from 0 to 150.
    ("twk", "0", 0, None),
    ("twk", "5", 5, None),
    ("twk", "150", 150, None),
    ("twk", "145", 145, None),
    ("twk", "149", None, (NOT_MULTIPLE, "149")),  # max - 1: not a multiple of 5
    ("twk", "151", None, (ABOVE, "150")),  # max + 1
    ("twk", "155", None, (ABOVE, "150")),  # a multiple of 5, but above
    ("twk", "1", None, (NOT_MULTIPLE, "1")),
    ("twk", "-5", None, (NEGATIVE, "-5")),
    ("twk", "100.5", None, (NOT_WHOLE, "100.5")),
    ("twk", "100,5", None, (NOT_WHOLE, "100,5")),
    ("twk", "100.0", 100, None),  # what a spreadsheet writes for 100
    ("twk", "  100 ", 100, None),
    ("twk", "abc", None, (NOT_NUMBER, "abc")),
    ("twk", "", None, (MISSING, "")),
    # TIU: multiples of 5 from 0 to 175.
    ("tiu", "175", 175, None),
    ("tiu", "174", None, (NOT_MULTIPLE, "174")),
    ("tiu", "176", None, (ABOVE, "175")),
    ("tiu", "180", None, (ABOVE, "175")),
    ("tiu", "0", 0, None),
    ("tiu", "-1", None, (NEGATIVE, "-1")),
    ("tiu", "", None, (MISSING, "")),
    # TKP: any whole number from 0 to 225.
    ("tkp", "225", 225, None),
    ("tkp", "224", 224, None),  # not a multiple of 5, and possible
    ("tkp", "226", None, (ABOVE, "225")),
    ("tkp", "1", 1, None),
    ("tkp", "0", 0, None),
    ("tkp", "-1", None, (NEGATIVE, "-1")),
    ("tkp", "224.5", None, (NOT_WHOLE, "224.5")),
    ("tkp", "", None, (MISSING, "")),
]


@pytest.mark.parametrize(("column", "typed", "kept", "refusal"), SKD_VALUES)
def test_it_checks_each_skd_value_against_the_format(column, typed, kept, refusal):
    values, errors = check_skd(_skd_row(**{column: typed}), _default_period())
    if refusal is None:
        assert errors == {}
        assert values[column] == kept
        assert values["presence"] == Presence.PRESENT
    else:
        assert list(errors) == [column]
        message, number = refusal
        assert message in errors[column]
        assert number in errors[column]


# A period with another format: 4 points per correct answer, 30 TWK x 4 = 120, 35 TIU x 4 = 140,
# 40 TKP x 5 = 200. The rule values come from the period, not from the 2024 numbers.
OTHER_FORMAT = {
    "skd_points_per_correct": 4,
    "skd_twk_max": 120,
    "skd_tiu_max": 140,
    "skd_tkp_max": 200,
}


@pytest.mark.parametrize(
    ("column", "typed", "refusal"),
    [
        ("twk", "120", None),
        ("twk", "116", None),
        ("twk", "118", NOT_MULTIPLE),  # 118 = 4 x 29.5
        ("twk", "150", ABOVE),  # the 2024 maximum is above this format's
        ("twk", "124", ABOVE),
        ("twk", "115", NOT_MULTIPLE),  # a multiple of 5, not of 4
        ("tiu", "140", None),
        ("tiu", "144", ABOVE),
        ("tiu", "135", NOT_MULTIPLE),
        ("tkp", "200", None),
        ("tkp", "199", None),
        ("tkp", "201", ABOVE),
    ],
)
def test_it_reads_the_skd_format_from_the_period(column, typed, refusal):
    period = SelectionPeriod(**OTHER_FORMAT)
    row = {"twk": "80", "tiu": "80", "tkp": "150", "presence": "present", column: typed}
    values, errors = check_skd(row, period)
    if refusal is None:
        assert errors == {} and values[column] == int(typed)
    else:
        assert list(errors) == [column] and refusal in errors[column]
    if refusal == NOT_MULTIPLE:
        assert "multiple of 4" in errors[column]


# --- SKD: attendance --------------------------------------------------------------------------

# (twk, tiu, tkp, typed attendance) -> (kept attendance, or the columns refused)
SKD_PRESENCE = [
    (("", "", "", "absent"), (Presence.ABSENT, {})),
    (("", "", "", "TH"), (Presence.ABSENT, {})),
    (("", "", "", "tidak hadir"), (Presence.ABSENT, {})),
    (("", "", "", "DIS"), (Presence.DISQUALIFIED, {})),
    (("", "", "", "diskualifikasi"), (Presence.DISQUALIFIED, {})),
    (("100", "100", "200", "DIS"), (Presence.DISQUALIFIED, {})),  # sat, then disqualified
    (("100", "100", "200", ""), (Presence.PRESENT, {})),  # scores: the applicant sat the test
    (("100", "100", "200", "hadir"), (Presence.PRESENT, {})),
    (("100", "100", "200", "H"), (Presence.PRESENT, {})),
    (("100", "100", "200", "TH"), (None, {"presence": ABSENT_WITH_SCORES})),
    (("", "", "0", "absent"), (None, {"presence": ABSENT_WITH_SCORES})),  # 0 is a score
    (("100", "", "", "absent"), (None, {"presence": ABSENT_WITH_SCORES})),
    (("", "", "", "present"), (None, {"twk": MISSING, "tiu": MISSING, "tkp": MISSING})),
    (("", "", "", ""), (None, {"twk": MISSING, "tiu": MISSING, "tkp": MISSING})),
    (("100", "", "200", "present"), (None, {"tiu": MISSING})),
    (("100", "100", "200", "maybe"), (None, {"presence": "Unknown attendance"})),
]


@pytest.mark.parametrize(("typed", "expected"), SKD_PRESENCE)
def test_it_checks_skd_attendance_with_blank_scores(typed, expected):
    twk, tiu, tkp, presence = typed
    row = {"twk": twk, "tiu": tiu, "tkp": tkp, "presence": presence}
    values, errors = check_skd(row, _default_period())
    kept, refused = expected
    assert set(errors) == set(refused)
    for column, message in refused.items():
        assert message in errors[column]
    if kept is not None:
        assert values["presence"] == kept
        if not any((twk, tiu, tkp)):
            assert (values["twk"], values["tiu"], values["tkp"]) == (None, None, None)


# --- SKD: through a score file ------------------------------------------------------------------


def _import(period, text, *, kind="skd", user=None):
    return score_import_create(
        period=period, kind=kind, file_name="scores.csv", data=text.encode(), user=user
    )


def _errors(score_import):
    return {(e["row"], e["column"]): e["message"] for e in score_import.errors}


@pytest.fixture
def period():
    return scored_period()


def test_it_checks_skd_edges_row_by_row_in_a_file(period):
    f = formation(period, quota=9)
    for i in range(1, 13):
        application(f, number=f"E-{i}")
    text = SKD_HEADER + (
        "E-1,150,175,225,present\n"  # row 2: every maximum
        "E-2,0,0,0,present\n"  # row 3: every minimum
        "E-3,151,176,226,present\n"  # row 4: every maximum + 1
        "E-4,149,174,224,present\n"  # row 5: maximum - 1: TWK and TIU not multiples, TKP fine
        "E-5,-5,100,200,present\n"  # row 6
        "E-6,100,100.5,200,present\n"  # row 7
        "E-7,,,,TH\n"  # row 8: absent, blank
        "E-8,,,,DIS\n"  # row 9: disqualified, blank
        "E-9,100,100,200,TH\n"  # row 10: absent with scores
        "E-10,,,,\n"  # row 11: nothing at all
        "E-11,100,,200,present\n"  # row 12: a blank score
        "E-12,100,100,200,\n"  # row 13: scores without attendance: present
    )
    score_import = _import(period, text)
    errors = _errors(score_import)
    assert set(errors) == {
        (4, "twk"),
        (4, "tiu"),
        (4, "tkp"),
        (5, "twk"),
        (5, "tiu"),
        (6, "twk"),
        (7, "tiu"),
        (10, "presence"),
        (11, "twk"),
        (11, "tiu"),
        (11, "tkp"),
        (12, "tiu"),
    }
    assert errors[(4, "twk")] == "151 is above the maximum of 150."
    assert errors[(4, "tiu")] == "176 is above the maximum of 175."
    assert errors[(4, "tkp")] == "226 is above the maximum of 225."
    assert "multiple of 5" in errors[(5, "twk")] and "149" in errors[(5, "twk")]
    assert "multiple of 5" in errors[(5, "tiu")] and "174" in errors[(5, "tiu")]
    kept = {row["registration_number"]: row for row in score_import.rows}
    assert set(kept) == {"E-1", "E-2", "E-7", "E-8", "E-12"}
    assert (kept["E-1"]["twk"], kept["E-1"]["tiu"], kept["E-1"]["tkp"]) == (150, 175, 225)
    assert (kept["E-2"]["twk"], kept["E-2"]["tiu"], kept["E-2"]["tkp"]) == (0, 0, 0)
    assert (kept["E-7"]["presence"], kept["E-7"]["twk"]) == ("absent", None)
    assert (kept["E-8"]["presence"], kept["E-8"]["tkp"]) == ("disqualified", None)
    assert kept["E-12"]["presence"] == "present"


def test_it_applies_the_edges_of_a_clean_file_and_ranks_them(period, hr):
    f = formation(period, quota=9)
    top, bottom, absent, disqualified = (application(f, number=f"C-{i}") for i in range(1, 5))
    text = SKD_HEADER + "C-1,150,175,225,present\nC-2,0,0,0,present\nC-3,,,,TH\nC-4,,,,DIS\n"
    score_import = _import(period, text, user=hr)
    assert score_import.errors == []
    assert score_import_apply(score_import=score_import, user=hr) == 4
    rank_period(period=period)
    results = {app: result_of(app) for app in (top, bottom, absent, disqualified)}
    assert (results[top].skd_total, results[top].skd_code) == (150 + 175 + 225, "P/L")
    assert (results[bottom].skd_total, results[bottom].skd_code) == (0, "TL")
    assert (results[absent].skd_presence, results[absent].skd_code) == ("absent", "TH")
    assert results[absent].twk is None
    assert (results[disqualified].skd_presence, results[disqualified].skd_code) == (
        "disqualified",
        "DIS",
    )


# --- SKD: HR's entry of one application -----------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "refusal"),
    [
        ({"twk": 149, "tiu": 100, "tkp": 200}, "multiple of 5"),
        ({"twk": 151, "tiu": 100, "tkp": 200}, "151 is above the maximum of 150."),
        ({"twk": 100, "tiu": 174, "tkp": 200}, "multiple of 5"),
        ({"twk": 100, "tiu": 176, "tkp": 200}, "176 is above the maximum of 175."),
        ({"twk": 100, "tiu": 100, "tkp": 226}, "226 is above the maximum of 225."),
        ({"twk": -5, "tiu": 100, "tkp": 200}, "negative"),
        ({"twk": "100.5", "tiu": 100, "tkp": 200}, "not a whole number"),
        ({"twk": 100, "tiu": None, "tkp": 200}, "Enter the score"),
    ],
)
def test_it_refuses_an_skd_entry_off_the_format(period, hr, scores, refusal):
    app = application(formation(period))
    with pytest.raises(ScoreError, match=refusal):
        exam_result_update(application=app, actor=hr, skd_presence="present", **scores)
    assert not ExamResult.objects.filter(application=app).exists()


@pytest.mark.parametrize(
    ("presence", "scores", "stored"),
    [
        ("present", (150, 175, 225), ("present", 150, 175, 225)),
        ("present", (0, 0, 0), ("present", 0, 0, 0)),
        ("present", (145, 170, 224), ("present", 145, 170, 224)),
        ("absent", (None, None, None), ("absent", None, None, None)),
        ("disqualified", (None, None, None), ("disqualified", None, None, None)),
    ],
)
def test_it_saves_an_skd_entry_on_the_edges(period, hr, presence, scores, stored):
    app = application(formation(period))
    twk, tiu, tkp = scores
    exam_result_update(application=app, actor=hr, skd_presence=presence, twk=twk, tiu=tiu, tkp=tkp)
    result = result_of(app)
    assert (result.skd_presence, result.twk, result.tiu, result.tkp) == stored


def test_it_refuses_an_absent_applicant_with_scores_by_hand(period, hr):
    app = application(formation(period))
    with pytest.raises(ScoreError, match="absent applicant"):
        exam_result_update(application=app, actor=hr, skd_presence="absent", twk=100, tiu=None,
                           tkp=None)  # fmt: skip


def test_it_shows_the_format_refusal_on_the_scores_page(client_as, hr, period):
    app = application(formation(period))
    url = reverse("recruitment:scores_edit", args=[app.pk])
    response = client_as(hr).post(
        url, {"skd_presence": "present", "twk": 149, "tiu": 100, "tkp": 200}
    )
    assert response.status_code == 200
    assert "multiple of 5" in response.content.decode()
    assert not ExamResult.objects.filter(application=app).exists()


# --- PPPK: one value ------------------------------------------------------------------------

PPPK_VALUES = [
    ("teknis", "450", 450, None),
    ("teknis", "445", 445, None),
    ("teknis", "0", 0, None),
    ("teknis", "449", None, (NOT_MULTIPLE, "449")),  # max - 1
    ("teknis", "451", None, (ABOVE, "450")),  # max + 1
    ("teknis", "455", None, (ABOVE, "450")),
    ("teknis", "-5", None, (NEGATIVE, "-5")),
    ("teknis", "300.5", None, (NOT_WHOLE, "300.5")),
    ("teknis", "", None, (MISSING, "")),
    ("manajerial", "100", 100, None),
    ("manajerial", "99", 99, None),  # 1 to 4 per item: any whole number
    ("manajerial", "101", None, (ABOVE, "100")),
    ("manajerial", "0", 0, None),
    ("manajerial", "-1", None, (NEGATIVE, "-1")),
    ("sosiokultural", "80", 80, None),
    ("sosiokultural", "79", 79, None),
    ("sosiokultural", "81", None, (ABOVE, "80")),
    ("sosiokultural", "x", None, (NOT_NUMBER, "x")),
    ("wawancara", "40", 40, None),
    ("wawancara", "39", 39, None),
    ("wawancara", "41", None, (ABOVE, "40")),
    ("wawancara", "", None, (MISSING, "")),
]


@pytest.mark.parametrize(("column", "typed", "kept", "refusal"), PPPK_VALUES)
def test_it_checks_each_pppk_value_against_the_test(column, typed, kept, refusal):
    values, errors = check_pppk(_pppk_row(**{column: typed}), _default_period())
    if refusal is None:
        assert errors == {}
        assert values[column] == kept
    else:
        assert list(errors) == [column]
        message, number = refusal
        assert message in errors[column] and number in errors[column]


@pytest.mark.parametrize(
    ("column", "typed", "refusal"),
    [
        # 3 points per technical answer, 90 x 3 = 270; managerial 60, socio-cultural 50,
        # interview 30.
        ("teknis", "270", None),
        ("teknis", "269", "multiple of 3"),
        ("teknis", "273", ABOVE),
        ("teknis", "268", "multiple of 3"),
        ("teknis", "267", None),
        ("manajerial", "60", None),
        ("manajerial", "61", ABOVE),
        ("sosiokultural", "50", None),
        ("sosiokultural", "51", ABOVE),
        ("wawancara", "30", None),
        ("wawancara", "31", ABOVE),
    ],
)
def test_it_reads_the_pppk_test_from_the_period(column, typed, refusal):
    period = SelectionPeriod(
        procurement_type="PPPK",
        pppk_teknis_points=3,
        pppk_teknis_max=270,
        pppk_manajerial_max=60,
        pppk_sosiokultural_max=50,
        pppk_wawancara_max=30,
    )
    row = {"teknis": "150", "manajerial": "40", "sosiokultural": "40", "wawancara": "20",
           "presence": "present", column: typed}  # fmt: skip
    values, errors = check_pppk(row, period)
    if refusal is None:
        assert errors == {} and values[column] == int(typed)
    else:
        assert list(errors) == [column] and refusal in errors[column]


@pytest.mark.parametrize(
    ("presence", "scores", "refused"),
    [
        ("absent", ("", "", "", ""), set()),
        ("DIS", ("", "", "", ""), set()),
        ("TH", ("300", "", "", ""), {"presence"}),
        ("present", ("300", "70", "", "30"), {"sosiokultural"}),
        ("", ("", "", "", ""), {"teknis", "manajerial", "sosiokultural", "wawancara"}),
    ],
)
def test_it_checks_pppk_attendance(presence, scores, refused):
    row = dict(zip(("teknis", "manajerial", "sosiokultural", "wawancara"), scores, strict=True))
    _values, errors = check_pppk({**row, "presence": presence}, _default_period())
    assert set(errors) == refused


# --- PPPK: through a score file and by hand ---------------------------------------------------


@pytest.fixture
def pppk_period():
    return scored_period(procurement_type="PPPK", age_min=20, age_max=59)


def test_it_checks_pppk_edges_in_a_file_and_applies_a_clean_one(pppk_period, hr):
    f = formation(pppk_period, quota=1)
    best, second, absent = (application(f, number=f"P-{i}") for i in range(1, 4))
    bad = PPPK_HEADER + (
        "P-1,451,101,81,41,present\n"  # every maximum + 1
        "P-2,449,100,80,40,present\n"  # technical not a multiple of 5
        "P-3,300,,,,TH\n"  # absent with a score
    )
    score_import = _import(pppk_period, bad, kind="pppk")
    errors = _errors(score_import)
    assert set(errors) == {
        (2, "teknis"),
        (2, "manajerial"),
        (2, "sosiokultural"),
        (2, "wawancara"),
        (3, "teknis"),
        (4, "presence"),
    }
    assert errors[(2, "teknis")] == "451 is above the maximum of 450."
    assert errors[(2, "wawancara")] == "41 is above the maximum of 40."
    assert "multiple of 5" in errors[(3, "teknis")]

    good = PPPK_HEADER + "P-1,450,100,80,40,present\nP-2,445,100,80,40,present\nP-3,,,,,TH\n"
    score_import = _import(pppk_period, good, kind="pppk", user=hr)
    assert score_import.errors == []
    assert score_import_apply(score_import=score_import, user=hr) == 3
    rank_period(period=pppk_period)
    # 450 + 100 + 80 + 40 = 670, the maximum; 445 + 100 + 80 + 40 = 665.
    assert (result_of(best).final_score, result_of(best).final_code) == (670, FinalCode.L)
    assert (result_of(second).final_score, result_of(second).final_code) == (665, FinalCode.TL)
    assert (result_of(absent).pppk_presence, result_of(absent).final_code) == ("absent", "TH")


@pytest.mark.parametrize(
    ("scores", "refusal"),
    [
        ({"teknis": 449}, "multiple of 5"),
        ({"teknis": 451}, "451 is above the maximum of 450."),
        ({"manajerial": 101}, "101 is above the maximum of 100."),
        ({"sosiokultural": 81}, "81 is above the maximum of 80."),
        ({"wawancara": 41}, "41 is above the maximum of 40."),
        ({"wawancara": None}, "Enter the score"),
    ],
)
def test_it_refuses_a_pppk_entry_off_the_test(pppk_period, hr, scores, refusal):
    app = application(formation(pppk_period))
    values = {"teknis": 450, "manajerial": 100, "sosiokultural": 80, "wawancara": 40} | scores
    with pytest.raises(ScoreError, match=refusal):
        exam_result_update(application=app, actor=hr, pppk_presence="present", **values)
    assert not ExamResult.objects.filter(application=app).exists()


def test_it_saves_a_pppk_entry_on_the_maxima(pppk_period, hr):
    app = application(formation(pppk_period))
    exam_result_update(application=app, actor=hr, pppk_presence="present", teknis=450,
                       manajerial=100, sosiokultural=80, wawancara=40)  # fmt: skip
    result = result_of(app)
    assert (result.teknis, result.manajerial, result.sosiokultural, result.wawancara) == (
        450,
        100,
        80,
        40,
    )


# --- the kind of test belongs to the kind of period -------------------------------------------


@pytest.mark.parametrize(
    ("procurement", "kind", "refusal"),
    [
        ("CPNS", "skd", None),
        ("CPNS", "skb", None),
        ("CPNS", "pppk", "This is a CPNS period"),
        ("PPPK", "pppk", None),
        ("PPPK", "skd", "This is a PPPK period"),
        ("PPPK", "skb", "This is a PPPK period"),
    ],
)
def test_it_takes_only_the_tests_of_the_period_kind(procurement, kind, refusal):
    period = scored_period(procurement_type=procurement, age_min=20, age_max=35)
    application(formation(period), number="K-1")
    header = {"skd": SKD_HEADER, "skb": "registration_number,skb,presence\n", "pppk": PPPK_HEADER}
    if refusal is None:
        period_check_kind(period, kind)
        assert _import(period, header[kind] + "K-1\n", kind=kind).pk
    else:
        with pytest.raises(ScoreError, match=refusal):
            period_check_kind(period, kind)
        with pytest.raises(ScoreError, match=refusal):
            _import(period, header[kind] + "K-1\n", kind=kind)


@pytest.mark.parametrize(
    ("procurement", "fields", "refusal"),
    [
        ("CPNS", {"pppk_presence": "present", "teknis": 450, "manajerial": 100,
                  "sosiokultural": 80, "wawancara": 40}, "This is a CPNS period"),
        ("PPPK", {"skd_presence": "present", "twk": 100, "tiu": 100, "tkp": 200},
         "This is a PPPK period"),
        ("PPPK", {"skb_presence": "present", "skb": 400}, "This is a PPPK period"),
    ],
)  # fmt: skip
def test_it_refuses_scores_of_the_other_kind_of_period_by_hand(procurement, fields, refusal, hr):
    period = scored_period(procurement_type=procurement, age_min=20, age_max=35)
    app = application(formation(period))
    with pytest.raises(ScoreError, match=refusal):
        exam_result_update(application=app, actor=hr, **fields)
    assert not ExamResult.objects.filter(application=app).exists()


def test_it_still_accepts_the_empty_fields_of_the_other_kind(period, hr):
    """The form of a CPNS application sends no PPPK field; a caller that sends them empty is
    not refused for it."""
    app = application(formation(period))
    exam_result_update(application=app, actor=hr, skd_presence="present", twk=100, tiu=100,
                       tkp=200, pppk_presence="", teknis=None)  # fmt: skip
    assert result_of(app).twk == 100
