"""The PPPK priority group (docs/domain.md 1.12): the applicant declares it when applying and may
change it in the draft; the verifier confirms or changes it while screening, logged in the
decision log, until the post-appeal announcement; the committee's group is the one that counts.
CPNS applications never have one."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise

from accounts.roles import Role
from recruitment.forms.applicant import ApplyForm
from recruitment.models import (
    Announcement,
    Application,
    Decision,
    PriorityGroup,
)
from recruitment.services import applications as application_services
from recruitment.services.screening import ScreeningError, priority_group_set
from tests.factories import (
    ApplicantProfileFactory,
    ApplicationFactory,
    FormationFactory,
    SelectionPeriodFactory,
    UserFactory,
)
from tests.recruitment.factories_screening import announce, assign, submitted_application
from workforce.models import AsnType

pytestmark = pytest.mark.django_db

THK2, NON_ASN, UMUM = PriorityGroup.THK2, PriorityGroup.NON_ASN, PriorityGroup.UMUM
CHECKED_BY_COMMITTEE = "The selection committee checks a priority group against your documents"


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def pppk(db):
    period = SelectionPeriodFactory(procurement_type="PPPK")
    return FormationFactory(period=period, asn_type=AsnType.PPPK)


@pytest.fixture
def cpns(db):
    return FormationFactory()


@pytest.fixture
def profile(db):
    return ApplicantProfileFactory()


@pytest.fixture
def verifier(pppk):
    user = UserFactory(roles=[Role.VERIFIER], is_staff=True)
    assign(pppk.period, user)
    return user


@pytest.fixture
def declared_thk2(pppk):
    """A finalised PPPK application whose applicant declared eks THK-II."""
    return submitted_application(pppk, priority_group=THK2, declared_priority_group=THK2)


def apply_url(formation):
    return reverse("recruitment:apply", args=[formation.pk])


def draft_url(application):
    return reverse("recruitment:application_priority_group", args=[application.pk])


def verify_url(application):
    return reverse("recruitment:screening_priority_group", args=[application.pk])


def announce_post_appeal(period):
    announce(period, at=timezone.now() - timedelta(days=10))
    return Announcement.objects.create(period=period, kind=Announcement.Kind.POST_APPEAL)


def radio(page, value, *, checked):
    """Whether the priority group's radio button for `value` is on the page, checked or not."""
    start = page.index(f'name="priority_group" value="{value}"')
    tag = page[page.rindex("<input", 0, start) : page.index(">", start)]
    return (" checked" in tag) == checked


# --- the applicant: applying ---------------------------------------------------------------------


def test_it_asks_for_the_priority_group_only_in_a_pppk_period(client_as, profile, pppk, cpns):
    client = client_as(profile.user)
    page = client.get(pppk.get_absolute_url()).content.decode()
    for value in (THK2, NON_ASN, UMUM):
        assert radio(page, value, checked=False)  # a choice the applicant makes, none preset
    assert "Former honorary staff, category II (eks THK-II)" in page
    assert "listed in BKN&#x27;s database." in page  # one line of explanation per choice
    assert "but not as a civil servant" in page
    assert CHECKED_BY_COMMITTEE in page
    page = client.get(cpns.get_absolute_url()).content.decode()
    assert "priority_group" not in page
    assert "eks THK-II" not in page


def test_it_saves_the_declared_group_and_says_the_committee_checks_it(client_as, profile, pppk):
    client = client_as(profile.user)
    response = client.post(
        apply_url(pppk), {"privacy_consent": "on", "priority_group": THK2}, follow=True
    )
    application = Application.objects.get(applicant=profile.user)
    assert (application.declared_priority_group, application.priority_group) == (THK2, THK2)
    page = response.content.decode()
    assert CHECKED_BY_COMMITTEE in page  # in the message and on the status page
    assert "Former honorary staff, category II (eks THK-II)" in page
    assert draft_url(application) in page  # the draft's group can still change


def test_it_keeps_a_cpns_application_in_the_general_group(client_as, profile, cpns):
    client_as(profile.user).post(apply_url(cpns), {"privacy_consent": "on", "priority_group": THK2})
    application = Application.objects.get(applicant=profile.user)
    assert (application.declared_priority_group, application.priority_group) == (UMUM, UMUM)
    page = client_as(profile.user).get(application.get_absolute_url()).content.decode()
    assert "Priority group" not in page
    with pytest.raises(application_services.ApplicationError, match="Only PPPK applications"):
        application_services.application_start(
            user=ApplicantProfileFactory().user, formation=cpns, priority_group=NON_ASN
        )


def test_it_refuses_an_invalid_group_and_keeps_what_was_ticked(client_as, profile, pppk):
    client = client_as(profile.user)
    response = client.post(apply_url(pppk), {"privacy_consent": "on", "priority_group": "vip"})
    assert response.status_code == 200
    assert not Application.objects.exists()
    page = response.content.decode()
    assert "Choose one of the priority groups listed." in page
    assert "Your application was not started." in page
    consent = page[page.index('name="privacy_consent"') :]
    assert consent[: consent.index(">")].count(" checked") == 1  # the box stays ticked

    # and the other way round: the group chosen stays when the box is not ticked
    response = client.post(apply_url(pppk), {"priority_group": NON_ASN})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tick the box to confirm that you have read the privacy notice." in page
    assert radio(page, NON_ASN, checked=True)
    assert radio(page, THK2, checked=False)
    assert not Application.objects.exists()


def test_it_translates_the_priority_group_errors(pppk):
    form = ApplyForm({"privacy_consent": "on", "priority_group": "vip"}, period=pppk.period)
    field = form.fields["priority_group"]
    assert isinstance(field.error_messages["invalid_choice"], Promise)  # gettext_lazy
    assert isinstance(field.error_messages["required"], Promise)
    assert not form.is_valid()
    assert form.errors["priority_group"] == ["Choose one of the priority groups listed."]


def test_it_offers_only_the_groups_the_period_ranks_first(client_as, profile):
    period = SelectionPeriodFactory(procurement_type="PPPK", pppk_priority_order="thk2,umum")
    formation = FormationFactory(period=period, asn_type=AsnType.PPPK)
    client = client_as(profile.user)
    page = client.get(formation.get_absolute_url()).content.decode()
    assert 'value="non_asn"' not in page
    response = client.post(
        apply_url(formation), {"privacy_consent": "on", "priority_group": NON_ASN}
    )
    assert "Choose one of the priority groups listed." in response.content.decode()
    assert not Application.objects.exists()


def test_it_asks_for_a_choice_in_a_pppk_period(client_as, profile, pppk):
    response = client_as(profile.user).post(apply_url(pppk), {"privacy_consent": "on"})
    assert "Choose your priority group." in response.content.decode()
    assert not Application.objects.exists()


# --- the applicant: the draft --------------------------------------------------------------------


def test_it_lets_the_applicant_change_the_group_of_a_draft(client_as, pppk):
    draft = ApplicationFactory(formation=pppk, priority_group=THK2, declared_priority_group=THK2)
    client = client_as(draft.applicant)
    page = client.get(draft_url(draft)).content.decode()
    assert radio(page, THK2, checked=True)
    response = client.post(draft_url(draft), {"priority_group": NON_ASN}, follow=True)
    assert response.redirect_chain[-1][0] == draft.get_absolute_url()
    draft.refresh_from_db()
    assert (draft.declared_priority_group, draft.priority_group) == (NON_ASN, NON_ASN)
    assert CHECKED_BY_COMMITTEE in response.content.decode()

    response = client.post(draft_url(draft), {"priority_group": "vip"})
    assert response.status_code == 200
    assert "Choose one of the priority groups listed." in response.content.decode()
    assert "Your priority group was not saved." in response.content.decode()
    draft.refresh_from_db()
    assert draft.declared_priority_group == NON_ASN


def test_it_fixes_the_group_once_the_application_is_finalised(client_as, declared_thk2):
    client = client_as(declared_thk2.applicant)
    page = client.get(draft_url(declared_thk2)).content.decode()
    assert "You have finalised this application; its priority group can no longer change." in page
    assert 'name="priority_group"' not in page
    client.post(draft_url(declared_thk2), {"priority_group": UMUM})
    declared_thk2.refresh_from_db()
    assert declared_thk2.declared_priority_group == THK2
    with pytest.raises(application_services.ApplicationError, match="finalised"):
        application_services.application_priority_group_declare(
            application=declared_thk2, user=declared_thk2.applicant, priority_group=UMUM
        )


def test_it_hides_the_draft_page_of_another_applicant_and_refuses_cpns(
    client_as, client, pppk, cpns, hr
):
    draft = ApplicationFactory(formation=pppk, priority_group=THK2, declared_priority_group=THK2)
    other = client_as(ApplicantProfileFactory().user)
    assert other.get(draft_url(draft)).status_code == 404
    assert other.post(draft_url(draft), {"priority_group": UMUM}).status_code == 404
    assert client_as(hr).get(draft_url(draft)).status_code == 404  # the applicant's own act
    draft.refresh_from_db()
    assert draft.declared_priority_group == THK2
    cpns_draft = ApplicationFactory(formation=cpns)
    owner = client_as(cpns_draft.applicant)
    response = owner.get(draft_url(cpns_draft))
    assert "Only PPPK applications have a priority group." in response.content.decode()
    assert 'name="priority_group"' not in response.content.decode()
    owner.post(draft_url(cpns_draft), {"priority_group": THK2})
    cpns_draft.refresh_from_db()
    assert cpns_draft.declared_priority_group == UMUM
    client.logout()
    response = client.get(draft_url(draft))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- the committee -------------------------------------------------------------------------------


def test_it_shows_the_declared_group_to_the_verifier(client_as, verifier, declared_thk2):
    url = reverse("recruitment:screening_application", args=[declared_thk2.pk])
    page = client_as(verifier).get(url).content.decode()
    assert "Declared by the applicant" in page
    assert "Not verified yet." in page
    assert verify_url(declared_thk2) in page


def test_it_logs_the_verifiers_change_and_the_change_wins(client_as, verifier, declared_thk2):
    client = client_as(verifier)
    response = client.post(
        verify_url(declared_thk2),
        {"priority-priority_group": UMUM, "priority-note": "No SK THK-II among the documents."},
    )
    assert response.status_code == 302
    declared_thk2.refresh_from_db()
    assert declared_thk2.priority_group == UMUM  # what the ranking reads
    assert declared_thk2.declared_priority_group == THK2  # kept beside it
    decision = Decision.objects.get(application=declared_thk2)
    assert decision.kind == Decision.Kind.PRIORITY_GROUP
    assert (decision.before, decision.after) == (THK2, UMUM)
    assert decision.reason == "No SK THK-II among the documents."
    assert decision.actor == verifier

    # the applicant sees the committee's group once the result after appeals is announced
    owner = client_as(declared_thk2.applicant)
    page = owner.get(declared_thk2.get_absolute_url()).content.decode()
    assert "Verified by the selection committee" not in page  # a working decision until then
    announce_post_appeal(declared_thk2.period)
    page = owner.get(declared_thk2.get_absolute_url()).content.decode()
    final = page[page.index("data-priority-group-final") :]
    assert final[: final.index("</strong>")].endswith(">General")


def test_it_needs_a_reason_to_change_the_declared_group(client_as, verifier, declared_thk2):
    response = client_as(verifier).post(
        verify_url(declared_thk2), {"priority-priority_group": NON_ASN, "priority-note": ""}
    )
    assert response.status_code == 200
    assert "Say why the group differs from the one the applicant declared." in (
        response.content.decode()
    )
    declared_thk2.refresh_from_db()
    assert declared_thk2.priority_group == THK2
    assert not Decision.objects.filter(application=declared_thk2).exists()


def test_it_logs_a_confirmation_once(verifier, declared_thk2):
    assert priority_group_set(application=declared_thk2, actor=verifier, priority_group=THK2) is (
        False
    )
    decision = Decision.objects.get(application=declared_thk2)
    assert (decision.kind, decision.before, decision.after) == (
        Decision.Kind.PRIORITY_GROUP,
        THK2,
        THK2,
    )
    with pytest.raises(ScreeningError, match="already verified"):
        priority_group_set(application=declared_thk2, actor=verifier, priority_group=THK2)
    assert Decision.objects.filter(application=declared_thk2).count() == 1


def test_it_refuses_an_invalid_group_from_the_verifier(client_as, verifier, declared_thk2):
    response = client_as(verifier).post(
        verify_url(declared_thk2), {"priority-priority_group": "vip", "priority-note": "x"}
    )
    assert response.status_code == 200
    assert "Choose one of the priority groups listed." in response.content.decode()
    declared_thk2.refresh_from_db()
    assert declared_thk2.priority_group == THK2


def test_it_still_changes_during_the_appeal_period(verifier, declared_thk2):
    announce(declared_thk2.period)  # the administrative result, before the appeals
    assert priority_group_set(
        application=declared_thk2, actor=verifier, priority_group=UMUM, note="No SK."
    )


def test_it_refuses_changes_after_the_post_appeal_announcement(client_as, verifier, declared_thk2):
    announce_post_appeal(declared_thk2.period)
    with pytest.raises(ScreeningError, match="scores are open"):
        priority_group_set(
            application=declared_thk2, actor=verifier, priority_group=UMUM, note="Too late."
        )
    client = client_as(verifier)
    response = client.post(
        verify_url(declared_thk2), {"priority-priority_group": UMUM, "priority-note": "Too late."}
    )
    assert response.status_code == 200
    assert "the priority group can no longer change" in response.content.decode()
    declared_thk2.refresh_from_db()
    assert declared_thk2.priority_group == THK2
    assert not Decision.objects.filter(application=declared_thk2).exists()
    page = client.get(
        reverse("recruitment:screening_application", args=[declared_thk2.pk])
    ).content.decode()
    assert verify_url(declared_thk2) not in page  # no form is offered


def test_it_hides_other_periods_applications_from_the_verifier(client_as, verifier, pppk):
    elsewhere = FormationFactory(
        period=SelectionPeriodFactory(procurement_type="PPPK"), asn_type=AsnType.PPPK
    )
    other = submitted_application(elsewhere, priority_group=THK2, declared_priority_group=THK2)
    data = {"priority-priority_group": UMUM, "priority-note": "x"}
    assert client_as(verifier).post(verify_url(other), data).status_code == 404
    other.refresh_from_db()
    assert other.priority_group == THK2


def test_it_refuses_the_committees_form_to_other_roles_and_cpns(
    client_as, client, declared_thk2, cpns, hr
):
    data = {"priority-priority_group": UMUM, "priority-note": "x"}
    assert client.post(verify_url(declared_thk2), data).status_code == 302  # to sign in
    owner = client_as(declared_thk2.applicant)
    assert owner.post(verify_url(declared_thk2), data).status_code == 403
    staff = client_as(hr)
    assert staff.get(verify_url(declared_thk2)).status_code == 405
    cpns_application = submitted_application(cpns)
    assert staff.post(verify_url(cpns_application), data).status_code == 404
    declared_thk2.refresh_from_db()
    assert declared_thk2.priority_group == THK2


# --- HR's list -----------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_it_shows_the_group_in_hrs_list_with_the_same_queries_at_2_and_20(
    page_cache_off, client_as, hr, pppk, cpns
):
    client = client_as(hr)
    url = reverse("recruitment:hr_application_list", args=[pppk.pk])
    for _n in range(2):
        submitted_application(pppk, priority_group=NON_ASN, declared_priority_group=THK2)
    client.get(url)  # warm the session and role caches
    small = _queries(client, url)
    for _n in range(18):
        submitted_application(pppk, priority_group=THK2, declared_priority_group=THK2)
    assert _queries(client, url) == small
    page = client.get(url).content.decode()
    assert page.count("data-priority-group") == 20
    assert "Non-ASN staff working at the institution" in page
    assert "Declared" in page  # where the committee changed the declared group
    submitted_application(cpns)
    page = client.get(reverse("recruitment:hr_application_list", args=[cpns.pk])).content.decode()
    assert "data-priority-group" not in page
