"""When scores may be recorded (docs/domain.md 1.5-1.6: not before the administrative result
after appeals is published), and the reuse of the previous period's SKD result (1.7,
KepmenPANRB 344/2024: same NIK, same education level, valid for the next period only)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from recruitment.models import (
    AdminResult,
    Announcement,
    Application,
    Decision,
    ExamResult,
    ScoreImport,
    SkdCode,
)
from recruitment.services.announcements import announcement_publish
from recruitment.services.appeals import appeal_answer, appeal_submit
from recruitment.services.periods import period_add_default_passing_grades
from recruitment.services.ranking import RankingError, rank_period
from recruitment.services.scores import (
    ScoreError,
    exam_result_update,
    score_import_apply,
    score_import_create,
    skd_reuse_apply,
    skd_reuse_request,
    skd_reuse_source,
)
from tests.factories import ApplicantProfileFactory
from tests.recruitment.factories_scores import (
    announce,
    application,
    formation,
    result_of,
    scored_period,
)
from tests.recruitment.factories_selection import (
    closed_period,
    formation_in,
    screened_application,
    wib,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

SKD_HEADER = "registration_number,twk,tiu,tkp,presence\n"
NOT_YET = "The administrative result after appeals has not been published yet"


def _import(period, text, *, kind="skd", user=None):
    return score_import_create(
        period=period, kind=kind, file_name="scores.csv", data=text.encode(), user=user
    )


# --- the stage --------------------------------------------------------------------------------


def _period_at(stage, **kwargs):
    """A period whose announcements reach `stage`: none, the administrative result, or the
    result after appeals too."""
    period = scored_period(post_appeal=False, **kwargs)
    if stage in ("admin", "post_appeal"):
        announce(period, Announcement.Kind.ADMIN)
    if stage == "post_appeal":
        announce(period, Announcement.Kind.POST_APPEAL)
    return period


def _by_file(period, app, hr):
    _import(period, SKD_HEADER + f"{app.registration_number},100,100,200,present\n", user=hr)


def _by_hand(period, app, hr):
    exam_result_update(application=app, actor=hr, skd_presence="present", twk=100, tiu=100,
                       tkp=200)  # fmt: skip


def _ranking(period, app, hr):
    rank_period(period=period, actor=hr)


def _reuse(period, app, hr):
    skd_reuse_apply(period=period, actor=hr)


ENTRY_POINTS = {"file": _by_file, "hand": _by_hand, "ranking": _ranking, "reuse": _reuse}


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("stage", ["none", "admin"])
def test_it_waits_for_the_result_after_appeals(hr, entry, stage):
    period = _period_at(stage, skd_reuse_allowed=True)
    app = application(formation(period))
    with pytest.raises(ScoreError, match=NOT_YET):
        ENTRY_POINTS[entry](period, app, hr)
    assert not ScoreImport.objects.exists()
    assert not ExamResult.objects.exclude(skd_presence="").exists()
    assert not ExamResult.objects.filter(ranked_at__isnull=False).exists()


def test_it_refuses_the_ranking_with_its_own_error(hr):
    period = _period_at("admin")
    with pytest.raises(RankingError, match=NOT_YET):
        rank_period(period=period, actor=hr)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_it_takes_scores_once_the_result_after_appeals_is_published(hr, entry):
    period = _period_at("post_appeal", skd_reuse_allowed=True)
    app = application(formation(period))
    ENTRY_POINTS[entry](period, app, hr)  # no refusal


def test_it_checks_the_stage_again_when_a_file_is_applied(hr):
    period = _period_at("post_appeal")
    app = application(formation(period))
    score_import = _import(period, SKD_HEADER + f"{app.registration_number},100,100,200,\n")
    assert score_import.errors == []
    # A state the portal cannot reach (announcements are never withdrawn), to show that the
    # apply checks the stage itself.
    Announcement.objects.filter(period=period, kind=Announcement.Kind.POST_APPEAL).delete()
    with pytest.raises(ScoreError, match=NOT_YET):
        score_import_apply(score_import=score_import, user=hr)
    assert not ExamResult.objects.exists()


def test_it_gates_a_pppk_period_the_same_way(hr):
    period = _period_at("admin", procurement_type="PPPK", age_min=20, age_max=59)
    application(formation(period), number="P-1")
    header = "registration_number,teknis,manajerial,sosiokultural,wawancara,presence\n"
    with pytest.raises(ScoreError, match=NOT_YET):
        _import(period, header + "P-1,450,100,80,40,present\n", kind="pppk")


# --- an appeal accepted before the announcement -----------------------------------------------

ANNOUNCED = wib(2026, 10, 13, 16, 0)
OPENS = wib(2026, 10, 14, 0, 0)  # the day after, midnight WIB
CLOSES = wib(2026, 10, 17, 0, 0)  # 3 calendar days later


@pytest.fixture
def appeal_stage(hr):
    """An MS applicant, and two TMS applicants who appeal: one accepted, one rejected."""
    period = closed_period()
    period_add_default_passing_grades(period=period)
    f = formation_in(period, quota=3)
    passed = screened_application(f)
    accepted = screened_application(f, result=AdminResult.TMS)
    rejected = screened_application(f, result=AdminResult.TMS)
    announcement_publish(period=period, kind=Announcement.Kind.ADMIN, actor=hr, now=ANNOUNCED)
    for app, accept in ((accepted, True), (rejected, False)):
        app.refresh_from_db()
        appeal = appeal_submit(
            application=app,
            user=app.applicant,
            requirement_ids=app.document_checks.filter(result="TMS").values_list(
                "requirement_id", flat=True
            ),
            reason="The scan is readable.",
            confirmed=True,
            now=OPENS,
        )
        appeal_answer(appeal=appeal, actor=hr, accept=accept, answer="Checked again.",
                      now=OPENS + timedelta(hours=2), notify=False)  # fmt: skip
    return period, passed, accepted, rejected


def _numbers(*apps):
    return [app.registration_number for app in apps]


def test_it_scores_an_applicant_made_ms_by_an_appeal_after_the_announcement(appeal_stage, hr):
    period, passed, accepted, rejected = appeal_stage
    accepted.refresh_from_db()
    # Accepted, but not announced yet: the applicant still reads TMS, and no score is taken.
    assert (accepted.admin_result, accepted.announced_result) == (AdminResult.MS, AdminResult.TMS)
    rows = "".join(f"{n},100,100,200,present\n" for n in _numbers(passed, accepted, rejected))
    with pytest.raises(ScoreError, match=NOT_YET):
        _import(period, SKD_HEADER + rows)
    with pytest.raises(ScoreError, match=NOT_YET):
        exam_result_update(application=accepted, actor=hr, skd_presence="absent")

    announcement_publish(
        period=period, kind=Announcement.Kind.POST_APPEAL, actor=hr, now=CLOSES, notify=False
    )
    accepted.refresh_from_db()
    assert accepted.announced_result == AdminResult.MS
    score_import = _import(period, SKD_HEADER + rows, user=hr)
    # Row 4 is the rejected appeal: still TMS.
    assert [(e["row"], e["column"]) for e in score_import.errors] == [(4, "registration_number")]
    assert "not MS" in score_import.errors[0]["message"]
    clean = "".join(f"{n},100,100,200,present\n" for n in _numbers(passed, accepted))
    score_import = _import(period, SKD_HEADER + clean, user=hr)
    assert score_import_apply(score_import=score_import, user=hr) == 2
    rank_period(period=period, actor=hr)
    # 100 + 100 + 200 = 400, above every general minimum (65, 80, 166); quota 3 x 3.
    assert (result_of(accepted).skd_total, result_of(accepted).skd_code) == (400, SkdCode.PL)
    assert result_of(rejected).final_code == "TMS"
    with pytest.raises(ScoreError, match="not MS"):
        exam_result_update(application=rejected, actor=hr, skd_presence="absent")


# --- SKD reuse ----------------------------------------------------------------------------------

NOW = timezone.now()


def _period(year, days_ago, **kwargs):
    """A CPNS period whose registration opened `days_ago` days ago, at the scores stage."""
    opens = NOW - timedelta(days=days_ago)
    return scored_period(
        year=year,
        registration_opens_at=opens,
        registration_closes_at=opens + timedelta(days=20),
        **kwargs,
    )


def _apply(f, profile, *, number=None, nik=None):
    """A finalised MS application of this applicant, with the NIK as sent."""
    return Application.objects.create(
        applicant=profile.user,
        period=f.period,
        formation=f,
        budget_year=f.period.year,
        status=Application.Status.SUBMITTED,
        registration_number=number or f"RU-{f.period.year}-{profile.pk}",
        announced_result=AdminResult.MS,
        applicant_nik=profile.nik if nik is None else nik,
    )


def _sat_skd(f, profile, twk=100, tiu=95, tkp=180, presence="present"):
    """The applicant's SKD in that period, ranked (its total is recorded)."""
    app = _apply(f, profile)
    fields = {"twk": twk, "tiu": tiu, "tkp": tkp} if presence == "present" else {}
    ExamResult.objects.create(application=app, skd_presence=presence, **fields)
    rank_period(period=f.period)
    _skd_announced(f.period)
    return result_of(app)


def _skd_announced(period):
    Announcement.objects.get_or_create(period=period, kind=Announcement.Kind.SKD)


@pytest.fixture
def profile():
    return ApplicantProfileFactory()


@pytest.fixture
def last_year():
    return formation(_period(2025, 400), education_level="D3")


@pytest.fixture
def this_year():
    return formation(_period(2026, 5, skd_reuse_allowed=True), education_level="D3")


def test_it_carries_the_previous_result_over_once(profile, last_year, this_year, hr):
    previous = _sat_skd(last_year, profile)
    app = _apply(this_year, profile)
    assert skd_reuse_source(app) == previous
    skd_reuse_request(application=app, user=profile.user, reuse=True)
    assert Application.objects.get(pk=app.pk).skd_reuse_requested is True

    assert skd_reuse_apply(period=this_year.period, actor=hr) == (1, [])
    result = result_of(app)
    assert (result.skd_presence, result.twk, result.tiu, result.tkp) == ("present", 100, 95, 180)
    assert result.skd_reused_from == previous
    decision = Decision.objects.get(application=app, kind=Decision.Kind.SKD_REUSE)
    assert decision.after == "twk=100, tiu=95, tkp=180"
    rank_period(period=this_year.period)
    # 100 + 95 + 180 = 375, above the general minimums (65, 80, 166).
    assert (result_of(app).skd_total, result_of(app).skd_code) == (375, SkdCode.PL)

    # Once: the result is spent, and a second run changes nothing.
    assert skd_reuse_source(app) is None
    assert skd_reuse_apply(period=this_year.period, actor=hr) == (0, [])
    assert Decision.objects.filter(kind=Decision.Kind.SKD_REUSE).count() == 1


def test_it_refuses_a_score_file_for_a_reused_result(profile, last_year, this_year, hr):
    _sat_skd(last_year, profile)
    app = _apply(this_year, profile, number="RU-1")
    skd_reuse_request(application=app, user=profile.user, reuse=True)
    skd_reuse_apply(period=this_year.period, actor=hr)
    score_import = _import(this_year.period, SKD_HEADER + "RU-1,150,175,225,present\n")
    assert score_import.errors[0]["message"] == (
        "This applicant reuses an SKD result of the previous period."
    )


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("same", True),
        ("period_does_not_allow", False),
        ("other_education_level", False),
        ("other_person", False),
        ("absent_last_year", False),
        ("disqualified_last_year", False),
    ],
)
def test_it_finds_a_previous_result_only_under_every_condition(profile, case, expected):
    last_year = formation(_period(2025, 400), education_level="D3")
    this_year = formation(
        _period(2026, 5, skd_reuse_allowed=case != "period_does_not_allow"),
        education_level="S1" if case == "other_education_level" else "D3",
    )
    sitter = ApplicantProfileFactory() if case == "other_person" else profile
    if case == "absent_last_year":
        previous = _sat_skd(last_year, sitter, presence="absent")
    elif case == "disqualified_last_year":
        previous = _sat_skd(last_year, sitter, presence="disqualified")
    else:
        previous = _sat_skd(last_year, sitter)
    app = _apply(this_year, profile)
    assert skd_reuse_source(app) == (previous if expected else None)


def test_it_takes_only_the_previous_selection(profile):
    """Valid for the next period only: with a CPNS selection in between, a result two
    selections old is not carried over."""
    two_years_ago = formation(_period(2024, 700))
    _sat_skd(two_years_ago, profile)
    between = _period(2025, 400)  # a CPNS selection the applicant did not take part in
    _skd_announced(between)
    app = _apply(formation(_period(2026, 5, skd_reuse_allowed=True)), profile)
    assert skd_reuse_source(app) is None


def test_a_selection_whose_skd_is_not_announced_is_not_the_previous_one(profile):
    """A period still running (or a draft) dated in between does not block the reuse of the
    last selection whose SKD result was announced."""
    last_year = formation(_period(2025, 400))
    previous = _sat_skd(last_year, profile)
    formation(_period(2025, 200))  # registration opened later, no SKD result announced yet
    app = _apply(formation(_period(2026, 5, skd_reuse_allowed=True)), profile)
    assert skd_reuse_source(app) == previous


def test_hr_cannot_change_a_carried_over_skd_by_hand(profile, last_year, this_year, hr):
    _sat_skd(last_year, profile)
    app = _apply(this_year, profile)
    skd_reuse_request(application=app, user=profile.user, reuse=True)
    skd_reuse_apply(period=this_year.period, actor=hr)
    with pytest.raises(ScoreError, match="carried over"):
        exam_result_update(
            application=app, actor=hr, skd_presence="present", twk=150, tiu=95, tkp=180
        )
    assert result_of(app).twk == 100


def test_it_skips_a_pppk_selection_in_between(profile):
    last_year = formation(_period(2025, 400))
    previous = _sat_skd(last_year, profile)
    formation(_period(2025, 200, procurement_type="PPPK", age_min=20, age_max=59))
    app = _apply(formation(_period(2026, 5, skd_reuse_allowed=True)), profile)
    assert skd_reuse_source(app) == previous


def test_it_does_not_carry_a_carried_result_further(profile, hr):
    """2024's result reused in 2025 is not reusable again in 2026."""
    first = formation(_period(2024, 700))
    _sat_skd(first, profile)
    second = formation(_period(2025, 400, skd_reuse_allowed=True))
    app = _apply(second, profile)
    skd_reuse_request(application=app, user=profile.user, reuse=True)
    assert skd_reuse_apply(period=second.period, actor=hr) == (1, [])
    rank_period(period=second.period)
    assert result_of(app).skd_total == 375
    third = formation(_period(2026, 5, skd_reuse_allowed=True))
    assert skd_reuse_source(_apply(third, profile)) is None


def test_it_matches_the_nik_as_sent_not_the_account(last_year, this_year):
    """One person, two accounts (the NIK identifies the person, docs/domain.md 1.2)."""
    old_account = ApplicantProfileFactory()
    previous = _sat_skd(last_year, old_account)
    new_account = ApplicantProfileFactory()
    app = _apply(this_year, new_account, nik=old_account.nik)
    assert skd_reuse_source(app) == previous


# --- refusals -----------------------------------------------------------------------------------


def test_it_refuses_a_request_without_a_usable_result(profile, this_year):
    app = _apply(this_year, profile)
    with pytest.raises(ScoreError, match="no SKD result of the previous period"):
        skd_reuse_request(application=app, user=profile.user, reuse=True)
    assert Application.objects.get(pk=app.pk).skd_reuse_requested is False


@pytest.mark.parametrize("procurement", ["CPNS", "PPPK"])
def test_it_says_when_the_selection_does_not_allow_reuse(profile, last_year, procurement):
    _sat_skd(last_year, profile)
    extra = {"procurement_type": procurement, "age_min": 20, "age_max": 35}
    app = _apply(formation(_period(2026, 5, skd_reuse_allowed=False, **extra)), profile)
    with pytest.raises(ScoreError, match="does not allow reusing"):
        skd_reuse_request(application=app, user=profile.user, reuse=True)


def test_it_refuses_a_request_by_someone_else(profile, last_year, this_year, other_applicant):
    _sat_skd(last_year, profile)
    app = _apply(this_year, profile)
    with pytest.raises(ScoreError, match="Only the applicant"):
        skd_reuse_request(application=app, user=other_applicant, reuse=True)


def test_it_refuses_a_request_once_the_skd_is_recorded(profile, last_year, this_year, hr):
    _sat_skd(last_year, profile)
    app = _apply(this_year, profile)
    skd_reuse_request(application=app, user=profile.user, reuse=True)
    exam_result_update(application=app, actor=hr, skd_presence="absent")
    with pytest.raises(ScoreError, match="recorded already"):
        skd_reuse_request(application=app, user=profile.user, reuse=False)
    # HR's run refuses it, and names it.
    assert skd_reuse_apply(period=this_year.period, actor=hr) == (0, [app.registration_number])
    assert result_of(app).skd_presence == "absent"
    assert result_of(app).skd_reused_from is None


def test_it_lets_the_applicant_change_their_mind_before_the_skd(profile, last_year, this_year, hr):
    _sat_skd(last_year, profile)
    app = _apply(this_year, profile)
    skd_reuse_request(application=app, user=profile.user, reuse=True)
    skd_reuse_request(application=app, user=profile.user, reuse=False)
    assert skd_reuse_apply(period=this_year.period, actor=hr) == (0, [])
    assert not ExamResult.objects.filter(application=app, skd_reused_from__isnull=False).exists()


def test_it_refuses_reuse_after_the_skd_announcement(profile, last_year, this_year, hr):
    _sat_skd(last_year, profile)
    app = _apply(this_year, profile)
    skd_reuse_request(application=app, user=profile.user, reuse=True)
    announce(this_year.period, Announcement.Kind.SKD)
    with pytest.raises(ScoreError, match="results have been announced"):
        skd_reuse_apply(period=this_year.period, actor=hr)


def test_it_refuses_reuse_in_a_pppk_period(hr):
    period = _period(2026, 5, procurement_type="PPPK", age_min=20, age_max=59)
    with pytest.raises(ScoreError, match="This is a PPPK period"):
        skd_reuse_apply(period=period, actor=hr)


def test_it_scores_those_who_did_not_ask_by_the_file(profile, last_year, this_year, hr):
    """Reuse is the applicant's choice: without a request the previous result stays unused."""
    _sat_skd(last_year, profile)
    app = _apply(this_year, profile, number="RU-2")
    assert skd_reuse_apply(period=this_year.period, actor=hr) == (0, [])
    score_import = _import(this_year.period, SKD_HEADER + "RU-2,150,175,225,present\n", user=hr)
    assert score_import.errors == []
    score_import_apply(score_import=score_import, user=hr)
    assert (result_of(app).twk, result_of(app).skd_reused_from) == (150, None)


def test_it_keeps_withdrawn_applicants_out_of_the_reuse(profile, last_year, this_year, hr):
    _sat_skd(last_year, profile)
    app = _apply(this_year, profile)
    skd_reuse_request(application=app, user=profile.user, reuse=True)
    Application.objects.filter(pk=app.pk).update(status=Application.Status.WITHDRAWN)
    assert skd_reuse_apply(period=this_year.period, actor=hr) == (0, [])
