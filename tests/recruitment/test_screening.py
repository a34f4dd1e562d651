"""Administrative screening (docs/domain.md 1.4): assignments, the queue, MS/TMS per document with a
reason for TMS, the decision log, the second check, the lock after the announcement, the
re-check during appeals and HR's corrections; who may see what."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from recruitment import access
from recruitment.models import (
    AdminResult,
    Application,
    ApplicationEvent,
    Decision,
    DocumentCheck,
    Milestone,
    PeriodAssignment,
)
from recruitment.selectors.screening import (
    formation_queue,
    screening_complete,
    screening_summary,
    screening_version,
)
from recruitment.services.screening import (
    CheckInput,
    ScreeningError,
    assignment_add,
    correction_apply,
    recheck_flip,
    screening_save,
    second_check_confirm,
    second_check_return,
)
from tests.factories import (
    ApplicationFactory,
    FormationFactory,
    UserFactory,
)
from tests.recruitment.factories_screening import announce, assign, reason, submitted_application

pytestmark = pytest.mark.django_db

MS, TMS = AdminResult.MS, AdminResult.TMS


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def verifier(db):
    return UserFactory(roles=[Role.VERIFIER], is_staff=True)


@pytest.fixture
def other_verifier(db):
    return UserFactory(roles=[Role.VERIFIER], is_staff=True)


@pytest.fixture
def formation(db):
    return FormationFactory()  # requires the pas foto and the ijazah


@pytest.fixture
def period(formation):
    return formation.period


@pytest.fixture
def application(formation):
    return submitted_application(formation)


@pytest.fixture
def assigned(verifier, period):
    assign(period, verifier)
    return verifier


@pytest.fixture
def en(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def requirements(application):
    return {r.slug: r for r in application.formation.required_documents.all()}


def checks(application, **results):
    """CheckInput per slug: ms / tms (with the 'tidak-terbaca' reason) / "" ."""
    reqs = requirements(application)
    return [
        CheckInput(
            requirement_id=reqs[slug].pk,
            result=result,
            reason=reason() if result == TMS else None,
        )
        for slug, result in results.items()
    ]


def form_data(application, version=None, **results):
    data = {"version": version if version is not None else screening_version(application)}
    reqs = requirements(application)
    for requirement in reqs.values():
        data[f"result_{requirement.pk}"] = ""
        data[f"reason_{requirement.pk}"] = ""
        data[f"note_{requirement.pk}"] = ""
    for slug, (result, reason_obj, note) in results.items():
        pk = reqs[slug].pk
        data[f"result_{pk}"] = result
        data[f"reason_{pk}"] = reason_obj.pk if reason_obj else ""
        data[f"note_{pk}"] = note
    return data


def screen_all(application, actor, result=MS):
    screening_save(
        application=application,
        actor=actor,
        checks=checks(application, **{"pas-foto": MS, "ijazah": result}),
    )
    application.refresh_from_db()


# --- access --------------------------------------------------------------------------------------


def _urls(application):
    return {
        "list": reverse("recruitment:screening_period_list"),
        "period": reverse("recruitment:screening_period", args=[application.period_id]),
        "queue": reverse("recruitment:screening_queue", args=[application.formation_id]),
        "application": reverse("recruitment:screening_application", args=[application.pk]),
        "assignments": reverse("recruitment:screening_assignments", args=[application.period_id]),
    }


@pytest.mark.parametrize("name", ["list", "period", "queue", "application", "assignments"])
def test_it_sends_anonymous_users_to_sign_in(client, application, name):
    response = client.get(_urls(application)[name])
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "persona", ["applicant", "resident", "employee", "supervisor", "moderator"]
)
@pytest.mark.parametrize("name", ["list", "period", "queue", "application", "assignments"])
def test_it_refuses_other_roles(request, client_as, application, persona, name):
    client = client_as(request.getfixturevalue(persona))
    assert client.get(_urls(application)[name]).status_code == 403


@pytest.mark.parametrize("persona", ["hr", "admin_user"])
@pytest.mark.parametrize("name", ["list", "period", "queue", "application", "assignments"])
def test_it_lets_hr_and_admins_see_everything(request, client_as, application, persona, name):
    client = client_as(request.getfixturevalue(persona))
    assert client.get(_urls(application)[name]).status_code == 200


@pytest.mark.parametrize("name", ["period", "queue", "application"])
def test_it_hides_other_periods_from_a_verifier(client_as, application, verifier, name):
    elsewhere = FormationFactory().period
    assign(elsewhere, verifier)
    client = client_as(verifier)
    assert client.get(_urls(application)[name]).status_code == 404


@pytest.mark.parametrize("name", ["list", "period", "queue", "application"])
def test_it_lets_an_assigned_verifier_in(client_as, application, assigned, name):
    assert client_as(assigned).get(_urls(application)[name]).status_code == 200


def test_it_keeps_assignments_for_hr(client_as, application, assigned):
    assert client_as(assigned).get(_urls(application)["assignments"]).status_code == 403


@pytest.mark.parametrize(
    "name",
    [
        "screening_confirm",
        "screening_return",
        "screening_recheck",
        "screening_correction",
    ],
)
def test_it_changes_nothing_on_get(client_as, hr, application, name):
    response = client_as(hr).get(reverse(f"recruitment:{name}", args=[application.pk]))
    assert response.status_code == 405


def test_it_never_screens_drafts_or_withdrawn_applications(client_as, hr, formation):
    draft = ApplicationFactory(formation=formation)
    withdrawn = ApplicationFactory(formation=formation, status=Application.Status.WITHDRAWN)
    submitted = submitted_application(formation)
    client = client_as(hr)
    for hidden in (draft, withdrawn):
        url = reverse("recruitment:screening_application", args=[hidden.pk])
        assert client.get(url).status_code == 404
    assert list(formation_queue(formation)) == [submitted]
    response = client.get(reverse("recruitment:screening_queue", args=[formation.pk]))
    assert list(response.context["page"]) == [submitted]


def test_it_lists_only_assigned_periods_to_a_verifier(client_as, application, verifier, hr):
    mine = submitted_application()
    assign(mine.period, verifier)
    response = client_as(verifier).get(reverse("recruitment:screening_period_list"))
    assert [p.pk for p in response.context["page"]] == [mine.period_id]
    response = client_as(hr).get(reverse("recruitment:screening_period_list"))
    assert {p.pk for p in response.context["page"]} == {mine.period_id, application.period_id}


def test_it_lets_assigned_screeners_download_only_their_periods_documents(
    application, verifier, applicant
):
    document = application.documents.first()
    with pytest.raises(Http404):
        access.document_for_user(verifier, document.pk)
    assign(application.period, verifier, PeriodAssignment.Duty.CONFIRMER)
    verifier.__dict__.pop("_period_duties", None)
    assert access.document_for_user(verifier, document.pk) == document
    assert access.application_for_user(verifier, application.pk) == application
    # Still nothing of a draft in the same period, and the applicant keeps their access.
    draft = ApplicationFactory(formation=application.formation, applicant=applicant)
    with pytest.raises(Http404):
        access.application_for_user(verifier, draft.pk)
    assert access.application_for_user(applicant, draft.pk) == draft


def test_it_ends_a_verifiers_access_with_the_role(client_as, application, assigned):
    assigned.groups.clear()
    assert client_as(assigned).get(_urls(application)["period"]).status_code == 403


# --- assignments ---------------------------------------------------------------------------------


def test_it_assigns_and_removes_a_verifier_by_email(client_as, hr, period, verifier):
    client = client_as(hr)
    url = reverse("recruitment:screening_assignments", args=[period.pk])
    response = client.post(url, {"email": verifier.email.upper(), "duty": "verifier"})
    assert response.status_code == 302
    assignment = PeriodAssignment.objects.get(period=period)
    assert (assignment.user, assignment.duty) == (verifier, "verifier")
    remove = reverse("recruitment:screening_assignment_remove", args=[assignment.pk])
    assert client.post(remove).status_code == 302
    assert not PeriodAssignment.objects.exists()


def test_it_refuses_to_assign_someone_without_the_role(hr, period, applicant, verifier):
    with pytest.raises(ScreeningError) as refusal:
        assignment_add(period=period, email=applicant.email, duty="verifier", actor=hr)
    assert "email" in refusal.value.errors
    with pytest.raises(ScreeningError):
        assignment_add(period=period, email="nobody@example.org", duty="verifier", actor=hr)
    assignment_add(period=period, email=verifier.email, duty="verifier", actor=hr)
    with pytest.raises(ScreeningError, match="already"):
        assignment_add(period=period, email=verifier.email, duty="verifier", actor=hr)
    assert PeriodAssignment.objects.count() == 1


def test_it_shows_the_refusal_beside_the_email_field(client_as, hr, period, applicant, en):
    url = reverse("recruitment:screening_assignments", args=[period.pk])
    response = client_as(hr).post(url, {"email": applicant.email, "duty": "verifier"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]


# --- MS / TMS ------------------------------------------------------------------------------------


def test_it_derives_tms_from_one_tms_document(application, assigned):
    screen_all(application, assigned, result=TMS)
    assert application.admin_result == TMS
    assert application.screened_by == assigned and application.screened_at is not None


def test_it_derives_ms_when_every_document_is_ms(application, assigned):
    screen_all(application, assigned, result=MS)
    assert application.admin_result == MS


def test_it_leaves_a_partial_screening_unfinished(application, assigned):
    screening_save(application=application, actor=assigned, checks=checks(application, ijazah=MS))
    application.refresh_from_db()
    assert application.admin_result == ""
    assert screening_summary(application.period).unscreened == 1


def test_it_refuses_tms_without_a_reason_in_the_service(application, assigned):
    ijazah = requirements(application)["ijazah"]
    with pytest.raises(ScreeningError) as refusal:
        screening_save(
            application=application,
            actor=assigned,
            checks=[CheckInput(requirement_id=ijazah.pk, result=TMS)],
        )
    assert f"reason_{ijazah.pk}" in refusal.value.errors
    assert not DocumentCheck.objects.exists() and not Decision.objects.exists()


def test_it_refuses_tms_without_a_reason_and_keeps_what_was_typed(
    client_as, application, assigned, en
):
    reqs = requirements(application)
    data = form_data(
        application, **{"ijazah": (TMS, None, "Cap buram"), "pas-foto": (MS, None, "ok")}
    )
    client = client_as(assigned)
    response = client.post(_urls(application)["application"], data)
    assert response.status_code == 200  # the form again, with the errors
    form = response.context["screening_form"]
    assert form.errors[f"reason_{reqs['ijazah'].pk}"] == ["Choose the reason for TMS."]
    assert "Cap buram" in response.text
    assert form[f"note_{reqs['ijazah'].pk}"].value() == "Cap buram"
    assert form[f"result_{reqs['pas-foto'].pk}"].value() == MS
    assert not DocumentCheck.objects.exists()


def test_it_saves_the_screening_form_and_logs_each_change(client_as, application, assigned):
    reqs = requirements(application)
    data = form_data(
        application,
        **{"ijazah": (TMS, reason("nama-berbeda"), "Nama beda"), "pas-foto": (MS, None, "")},
    )
    response = client_as(assigned).post(_urls(application)["application"], data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.admin_result == TMS
    check = DocumentCheck.objects.get(requirement=reqs["ijazah"])
    assert (check.result, check.reason.code, check.note) == (TMS, "nama-berbeda", "Nama beda")
    assert check.checked_by == assigned
    assert check.document == application.documents.get(requirement=reqs["ijazah"])
    log = {d.subject: d for d in Decision.objects.filter(kind=Decision.Kind.DOCUMENT_CHECK)}
    assert (log["ijazah"].before, log["ijazah"].after) == ("", "TMS: nama-berbeda")
    assert (log["pas-foto"].before, log["pas-foto"].after) == ("", "MS")
    assert {d.actor for d in log.values()} == {assigned}


def test_it_logs_a_change_from_tms_to_ms_with_before_and_after(application, assigned, hr):
    screen_all(application, assigned, result=TMS)
    screen_all(application, hr, result=MS)
    last = Decision.objects.filter(subject="ijazah").order_by("-pk").first()
    assert (last.before, last.after, last.actor) == ("TMS: tidak-terbaca", "MS", hr)
    assert application.admin_result == MS and application.screened_by == hr
    # Saving the same answers again changes and logs nothing.
    count = Decision.objects.count()
    assert (
        screening_save(
            application=application,
            actor=hr,
            checks=checks(application, **{"pas-foto": MS, "ijazah": MS}),
        )
        == 0
    )
    assert Decision.objects.count() == count


def test_it_refuses_a_save_over_someone_elses_newer_one(client_as, application, assigned, hr):
    stale = screening_version(application)
    screen_all(application, hr, result=MS)
    data = form_data(application, version=stale, ijazah=(TMS, reason(), ""))
    response = client_as(assigned).post(_urls(application)["application"], data)
    assert response.status_code == 200  # the form again, with the errors
    assert response.context["screening_form"].non_field_errors()
    application.refresh_from_db()
    assert application.admin_result == MS


def test_it_refuses_screening_edits_by_a_confirmer_only(client_as, application, verifier):
    assign(application.period, verifier, PeriodAssignment.Duty.CONFIRMER)
    data = form_data(application, ijazah=(MS, None, ""))
    response = client_as(verifier).post(_urls(application)["application"], data)
    assert response.status_code == 403
    assert not DocumentCheck.objects.exists()


def test_it_shows_the_profile_documents_and_decision_log(client_as, application, assigned, en):
    screen_all(application, assigned, result=TMS)
    response = client_as(assigned).get(_urls(application)["application"])
    profile = application.applicant.applicant_profile
    assert profile.nik_masked in response.text and profile.nik not in response.text
    assert profile.name_on_ktp in response.text
    document = application.documents.first()
    assert reverse("recruitment:document_download", args=[document.pk]) in response.text
    decisions = list(response.context["decisions"])
    assert len(decisions) == 2 and decisions[0].pk > decisions[1].pk  # newest first
    assert "TMS: tidak-terbaca" in response.text


# --- second check --------------------------------------------------------------------------------


@pytest.fixture
def second_check_period(period):
    period.second_check_required = True
    period.save(update_fields=["second_check_required"])
    return period


def test_it_does_not_let_a_verifier_confirm_their_own_screening(
    second_check_period, application, assigned
):
    assign(second_check_period, assigned, PeriodAssignment.Duty.CONFIRMER)
    screen_all(application, assigned)
    with pytest.raises(ScreeningError, match="own"):
        second_check_confirm(application=application, actor=assigned)
    application.refresh_from_db()
    assert application.confirmed_at is None
    assert not screening_complete(second_check_period)


def test_it_confirms_by_another_person_and_completes(
    client_as, second_check_period, application, assigned, other_verifier
):
    assign(second_check_period, other_verifier, PeriodAssignment.Duty.CONFIRMER)
    screen_all(application, assigned)
    assert screening_summary(second_check_period).awaiting == 1
    url = reverse("recruitment:screening_confirm", args=[application.pk])
    assert client_as(assigned).post(url).status_code == 403  # not a second checker
    assert client_as(other_verifier).post(url, {"confirm-note": "Sesuai"}).status_code == 302
    application.refresh_from_db()
    assert application.confirmed_by == other_verifier
    decision = Decision.objects.get(kind=Decision.Kind.SECOND_CHECK)
    assert (decision.actor, decision.before, decision.reason) == (other_verifier, MS, "Sesuai")
    assert screening_complete(second_check_period)


def test_it_drops_the_confirmation_when_the_result_changes(
    second_check_period, application, assigned, hr
):
    screen_all(application, assigned, result=MS)
    second_check_confirm(application=application, actor=hr)
    screen_all(application, assigned, result=TMS)
    assert application.confirmed_at is None and application.confirmed_by is None
    assert not screening_complete(second_check_period)


def test_it_sends_a_screening_back_with_a_note(second_check_period, application, assigned, hr):
    screen_all(application, assigned)
    with pytest.raises(ScreeningError):
        second_check_return(application=application, actor=hr, note="  ")
    second_check_return(application=application, actor=hr, note="Periksa ijazah lagi")
    application.refresh_from_db()
    assert application.screened_at is None and application.screened_by is None
    assert screening_summary(second_check_period).unscreened == 1
    decision = Decision.objects.get(kind=Decision.Kind.SECOND_CHECK)
    assert (decision.reason, decision.actor) == ("Periksa ijazah lagi", hr)
    with pytest.raises(ScreeningError):  # nothing to confirm until it is screened again
        second_check_confirm(application=application, actor=hr)


def test_it_completes_without_second_check_when_not_required(period, application, assigned):
    assert not screening_complete(period)
    screen_all(application, assigned)
    assert screening_complete(period)
    summary = screening_summary(period)
    assert (summary.submitted, summary.ms, summary.tms, summary.awaiting) == (1, 1, 0, 0)
    with pytest.raises(ScreeningError, match="no second check"):
        second_check_confirm(application=application, actor=assigned)


# --- after the announcement ----------------------------------------------------------------------


def test_it_locks_screening_after_the_announcement(client_as, application, assigned):
    screen_all(application, assigned, result=MS)
    announce(application.period)
    with pytest.raises(ScreeningError, match="announced"):
        screen_all(application, assigned, result=TMS)
    data = form_data(application, ijazah=(TMS, reason(), ""))
    response = client_as(assigned).post(_urls(application)["application"], data)
    assert response.status_code == 200  # the form again, with the errors
    application.refresh_from_db()
    assert application.admin_result == MS


@pytest.fixture
def announced_ms(application, assigned):
    """Screened MS, announced two days ago: the appeal window is open now."""
    screen_all(application, assigned, result=MS)
    announce(application.period, at=timezone.now() - timedelta(days=2))
    return application


def test_it_flips_ms_to_tms_during_the_appeal_window(client_as, announced_ms, assigned):
    ijazah = requirements(announced_ms)["ijazah"]
    url = reverse("recruitment:screening_recheck", args=[announced_ms.pk])
    data = {"recheck-requirement": ijazah.pk, "recheck-reason": reason("dokumen-palsu").pk}
    assert client_as(assigned).post(url, data).status_code == 302
    announced_ms.refresh_from_db()
    assert announced_ms.admin_result == TMS
    decision = Decision.objects.get(kind=Decision.Kind.RECHECK)
    assert (decision.before, decision.after, decision.actor) == (
        "MS",
        "TMS: dokumen-palsu",
        assigned,
    )


def test_it_refuses_a_recheck_without_a_reason_or_of_a_tms_document(announced_ms, assigned):
    ijazah = requirements(announced_ms)["ijazah"]
    with pytest.raises(ScreeningError):
        recheck_flip(application=announced_ms, requirement=ijazah, actor=assigned, reason=None)
    recheck_flip(application=announced_ms, requirement=ijazah, actor=assigned, reason=reason())
    with pytest.raises(ScreeningError, match="only change an MS"):
        recheck_flip(application=announced_ms, requirement=ijazah, actor=assigned, reason=reason())
    assert Decision.objects.filter(kind=Decision.Kind.RECHECK).count() == 1


def test_it_refuses_a_recheck_outside_the_window(announced_ms, assigned):
    ijazah = requirements(announced_ms)["ijazah"]
    for now in (timezone.now() - timedelta(days=2), timezone.now() + timedelta(days=60)):
        with pytest.raises(ScreeningError, match="only while"):
            recheck_flip(
                application=announced_ms,
                requirement=ijazah,
                actor=assigned,
                reason=reason(),
                now=now,
            )
    assert DocumentCheck.objects.get(requirement=ijazah).result == MS


def test_it_refuses_a_recheck_before_any_announcement(application, assigned):
    screen_all(application, assigned, result=MS)
    with pytest.raises(ScreeningError, match="only while"):
        recheck_flip(
            application=application,
            requirement=requirements(application)["ijazah"],
            actor=assigned,
            reason=reason(),
        )


def test_it_corrects_with_a_reason_and_logs_it(client_as, announced_ms, hr, en):
    ijazah = requirements(announced_ms)["ijazah"]
    url = reverse("recruitment:screening_correction", args=[announced_ms.pk])
    data = {
        "correction-requirement": ijazah.pk,
        "correction-result": TMS,
        "correction-reason": reason("kualifikasi").pk,
        "correction-note": "",
        "correction-correction_reason": "",
    }
    response = client_as(hr).post(url, data)
    assert response.status_code == 200  # the form again, with the errors
    assert response.context["correction_form"].errors["correction_reason"]
    assert not Decision.objects.filter(kind=Decision.Kind.CORRECTION).exists()
    data["correction-correction_reason"] = "Salah input prodi"
    assert client_as(hr).post(url, data).status_code == 302
    announced_ms.refresh_from_db()
    assert announced_ms.admin_result == TMS
    decision = Decision.objects.get(kind=Decision.Kind.CORRECTION)
    assert (decision.before, decision.after, decision.reason, decision.actor) == (
        "MS",
        "TMS: kualifikasi",
        "Salah input prodi",
        hr,
    )
    event = ApplicationEvent.objects.get(application=announced_ms, status=Milestone.CORRECTION)
    assert (event.note, event.actor) == ("Salah input prodi", hr)


def test_it_keeps_corrections_for_hr(client_as, announced_ms, assigned):
    ijazah = requirements(announced_ms)["ijazah"]
    url = reverse("recruitment:screening_correction", args=[announced_ms.pk])
    data = {
        "correction-requirement": ijazah.pk,
        "correction-result": TMS,
        "correction-reason": reason().pk,
        "correction-correction_reason": "x",
    }
    assert client_as(assigned).post(url, data).status_code == 403
    with pytest.raises(ScreeningError, match="Only HR"):
        correction_apply(
            application=announced_ms,
            requirement=ijazah,
            actor=assigned,
            result=TMS,
            reason=reason(),
            correction_reason="x",
        )
    assert DocumentCheck.objects.get(requirement=ijazah).result == MS


def test_it_refuses_a_correction_before_the_announcement(application, assigned, hr):
    screen_all(application, assigned, result=MS)
    with pytest.raises(ScreeningError, match="not announced"):
        correction_apply(
            application=application,
            requirement=requirements(application)["ijazah"],
            actor=hr,
            result=TMS,
            reason=reason(),
            correction_reason="Salah",
        )


# --- query budgets -------------------------------------------------------------------------------


def _queries(client, url, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# session, user, roles, then: list: the periods with counts, the page count (5); period: duties,
# period, summary, announcement, formations with counts (8); queue: duties, formation, required
# count, page count, rows with profiles (8).
# Each includes the header's unread-notification count (one COUNT on every signed-in page).
BUDGETS = {"list": 6, "period": 9, "queue": 9}


@pytest.mark.parametrize("view", ["list", "period", "queue"])
def test_it_lists_with_a_constant_number_of_queries(
    page_cache_off, client_as, verifier, formation, view, django_assert_max_num_queries
):
    assign(formation.period, verifier)
    first = submitted_application(formation)
    screen_all(first, verifier, result=TMS)
    client = client_as(verifier)
    url = _urls(first)[view]
    small = _queries(client, url, django_assert_max_num_queries, BUDGETS[view])
    for _ in range(12):
        screen_all(submitted_application(formation), verifier)
        submitted_application(FormationFactory(period=formation.period))
    large = _queries(client, url, django_assert_max_num_queries, BUDGETS[view])
    assert small == large


# --- review fixes: second check, re-check after the post-appeal result, corrections ----------


def test_it_drops_the_confirmation_when_only_a_note_changes(
    second_check_period, application, assigned, hr
):
    screen_all(application, assigned, result=MS)
    second_check_confirm(application=application, actor=hr)
    reqs = requirements(application)
    screening_save(
        application=application,
        actor=assigned,
        checks=[CheckInput(requirement_id=reqs["ijazah"].pk, result=MS, note="Cap terbaca")],
    )
    application.refresh_from_db()
    assert application.admin_result == MS  # the result did not change, the checks did
    assert application.confirmed_at is None and application.confirmed_by is None
    assert not screening_complete(second_check_period)


def test_it_refuses_a_confirmation_by_whoever_changed_a_check_last(
    second_check_period, application, assigned, hr
):
    screen_all(application, assigned, result=MS)
    second_check_confirm(application=application, actor=hr)
    # The confirmer edits a note afterwards: their confirmation goes, and they cannot confirm
    # their own change; the verifier who screened first can.
    reqs = requirements(application)
    screening_save(
        application=application,
        actor=hr,
        checks=[CheckInput(requirement_id=reqs["ijazah"].pk, result=MS, note="Dicek ulang")],
    )
    with pytest.raises(ScreeningError, match="own"):
        second_check_confirm(application=application, actor=hr)
    second_check_confirm(application=application, actor=assigned)
    application.refresh_from_db()
    assert application.confirmed_by == assigned


def test_it_labels_the_note_as_seen_by_the_applicant(client_as, application, assigned, en):
    response = client_as(assigned).get(_urls(application)["application"])
    form = response.context["screening_form"]
    ijazah = requirements(application)["ijazah"]
    assert form.fields[f"note_{ijazah.pk}"].label == (
        "Note (the applicant sees it after the announcement)"
    )
    assert "Note (the applicant sees it after the announcement)" in response.text


def test_it_logs_who_grants_and_removes_a_duty(
    hr, period, verifier, caplog, django_capture_on_commit_callbacks
):
    from recruitment.services.screening import assignment_remove

    with (
        caplog.at_level("INFO", logger="recruitment.services.screening"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assignment = assignment_add(period=period, email=verifier.email, duty="verifier", actor=hr)
        assignment_remove(assignment=assignment, actor=hr)
    lines = [r.getMessage() for r in caplog.records if r.name == "recruitment.services.screening"]
    assert lines == [
        f"Screening duty granted: actor {hr.pk}, user {verifier.pk}, period {period.pk}, "
        "duty verifier",
        f"Screening duty removed: actor {hr.pk}, user {verifier.pk}, period {period.pk}, "
        "duty verifier",
    ]
    assert verifier.email not in caplog.text and hr.email not in caplog.text


def test_it_lets_only_hr_remove_a_duty(period, verifier):
    from recruitment.services.screening import assignment_remove

    assignment = assign(period, verifier)
    with pytest.raises(ScreeningError, match="Only HR"):
        assignment_remove(assignment=assignment, actor=verifier)
    assert PeriodAssignment.objects.filter(pk=assignment.pk).exists()


def _post_appeal(period, at=None):
    from recruitment.models import Announcement

    return Announcement.objects.create(
        period=period, kind=Announcement.Kind.POST_APPEAL, published_at=at or timezone.now()
    )


def test_it_refuses_a_recheck_after_the_post_appeal_announcement(client_as, announced_ms, assigned):
    ijazah = requirements(announced_ms)["ijazah"]
    page = client_as(assigned).get(_urls(announced_ms)["application"])
    assert page.context["recheck_open"] is True  # the window is open, nothing announced after
    _post_appeal(announced_ms.period)
    with pytest.raises(ScreeningError, match="post-appeal result has been announced"):
        recheck_flip(application=announced_ms, requirement=ijazah, actor=assigned, reason=reason())
    page = client_as(assigned).get(_urls(announced_ms)["application"])
    assert page.context["recheck_open"] is False
    assert "recheck-requirement" not in page.text
    assert DocumentCheck.objects.get(requirement=ijazah).result == MS


def _publish_admin(application):
    """As announcement_publish does: copy the working results to the announced ones."""
    from django.db.models import F

    Application.objects.filter(pk=application.pk).update(announced_result=F("admin_result"))
    DocumentCheck.objects.filter(application=application).update(
        announced_result=F("result"), announced_reason=F("reason"), announced_note=F("note")
    )


def _correct(application, actor, slug, result, why, note=""):
    correction_apply(
        application=application,
        requirement=requirements(application)[slug],
        actor=actor,
        result=result,
        reason=reason("kualifikasi") if result == TMS else None,
        note=note,
        correction_reason=why,
    )
    application.refresh_from_db()


def test_it_publishes_a_correction_after_the_post_appeal_result_at_once(
    announced_ms, hr, django_capture_on_commit_callbacks
):
    from django.core import mail

    from tests.recruitment.factories_selection import exam_session

    _publish_admin(announced_ms)
    _post_appeal(announced_ms.period)
    session = exam_session(announced_ms.period)
    Application.objects.filter(pk=announced_ms.pk).update(exam_session=session)
    announced_ms.applicant.preferred_language = "en"
    announced_ms.applicant.save()

    with django_capture_on_commit_callbacks(execute=True):
        _correct(announced_ms, hr, "ijazah", TMS, "Ijazah palsu", note="Cap tidak sah")

    assert (announced_ms.admin_result, announced_ms.announced_result) == (TMS, TMS)
    assert announced_ms.exam_session_id is None  # no exam for a TMS result
    check = DocumentCheck.objects.get(requirement=requirements(announced_ms)["ijazah"])
    assert (check.announced_result, check.announced_reason.code, check.announced_note) == (
        TMS,
        "kualifikasi",
        "Cap tidak sah",
    )
    assert Decision.objects.filter(kind=Decision.Kind.CORRECTION, subject="exam_session").exists()
    assert len(mail.outbox) == 1
    assert "(TMS)" in mail.outbox[0].subject
    assert "Ijazah palsu" in mail.outbox[0].body

    # A second correction is e-mailed too: the once-per-milestone claim does not swallow it.
    with django_capture_on_commit_callbacks(execute=True):
        _correct(announced_ms, hr, "ijazah", MS, "Ijazah asli setelah verifikasi ke kampus")
    assert announced_ms.announced_result == MS
    assert len(mail.outbox) == 2
    assert "(MS)" in mail.outbox[1].subject
    assert "verifikasi ke kampus" in mail.outbox[1].body


def test_it_sends_each_correction_email_once(announced_ms, hr, django_capture_on_commit_callbacks):
    from django.core import mail

    from recruitment.tasks import send_event_emails

    _publish_admin(announced_ms)
    with django_capture_on_commit_callbacks(execute=True):
        _correct(announced_ms, hr, "ijazah", TMS, "Salah input")
    event = ApplicationEvent.objects.get(status=Milestone.CORRECTION)
    assert send_event_emails([event.pk]) == 0  # a duplicated task sends nothing more
    assert len(mail.outbox) == 1


def test_it_publishes_only_the_corrected_check_before_the_post_appeal_result(
    announced_ms, assigned, hr
):
    """A re-check waits for the post-appeal announcement; a correction of another document
    does not publish it along the way."""
    _publish_admin(announced_ms)
    reqs = requirements(announced_ms)
    recheck_flip(
        application=announced_ms, requirement=reqs["pas-foto"], actor=assigned, reason=reason()
    )
    _correct(announced_ms, hr, "ijazah", MS, "Catatan diperbaiki", note="Sesuai")
    assert announced_ms.admin_result == TMS  # the re-check, in the working result
    assert announced_ms.announced_result == MS  # not announced yet
    pas_foto = DocumentCheck.objects.get(requirement=reqs["pas-foto"])
    assert (pas_foto.result, pas_foto.announced_result) == (TMS, MS)
    assert DocumentCheck.objects.get(requirement=reqs["ijazah"]).announced_note == "Sesuai"


# --- concurrency: a save and a publication of the same period ----------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_makes_a_publication_wait_for_a_screening_save_of_its_period():
    """A save that is still open when HR publishes: without the period lock, the publication
    read the screening as complete and announced a result whose second check the save was
    removing. With it, the publication waits, sees the save and refuses."""
    import threading

    from django.db import connection, transaction

    from recruitment.models import Announcement, RejectionReason
    from recruitment.services.announcements import AnnouncementError, announcement_publish

    RejectionReason.objects.get_or_create(
        code="tidak-terbaca", defaults={"name": "Tidak terbaca", "name_en": "Unreadable"}
    )
    formation = FormationFactory()
    period = formation.period
    period.registration_closed = True
    period.registration_closes_at = timezone.now() - timedelta(days=1)
    period.second_check_required = True
    period.save()
    application = submitted_application(formation)
    verifier = UserFactory(roles=[Role.VERIFIER])
    hr = UserFactory(roles=[Role.HR])
    screen_all(application, verifier, result=MS)
    second_check_confirm(application=application, actor=hr)
    assert screening_complete(period)

    saved, release = threading.Event(), threading.Event()
    outcome = {}

    def save():
        try:
            with transaction.atomic():
                screen_all(application, verifier, result=TMS)  # drops the confirmation
                saved.set()
                release.wait(10)
        finally:
            connection.close()

    def publish():
        try:
            announcement_publish(period=period, kind=Announcement.Kind.ADMIN, actor=hr)
            outcome["published"] = True
        except AnnouncementError as error:
            outcome["refused"] = error.problems
        except Exception as error:  # reported by the assertion below
            outcome["error"] = repr(error)
        finally:
            connection.close()

    saver = threading.Thread(target=save)
    saver.start()
    assert saved.wait(10)
    publisher = threading.Thread(target=publish)
    publisher.start()
    publisher.join(0.5)
    waited = publisher.is_alive()
    release.set()
    saver.join(10)
    publisher.join(10)

    assert waited, "the publication did not wait for the open save"
    assert list(outcome) == ["refused"], outcome
    assert not Announcement.objects.filter(period=period).exists()
