"""Processing restrictions (UU 27/2022 Pasal 11): what a restriction stops in the other apps,
which ask through accounts.dataprotection without importing privacy, and how it is lifted."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts import dataprotection
from forums.models import Follow
from forums.services import ForumError
from forums.services.topics import comment_create, topic_create, topic_support
from privacy.models import DataRequest, Restriction
from privacy.services import data_request_handle, data_request_submit
from recruitment.models import Announcement, Application, StatusNotification
from recruitment.services.announcements import announcement_publish
from recruitment.services.applications import ApplicationError, application_start
from recruitment.tasks import send_milestone_emails, send_status_email
from tests.factories import ApplicantProfileFactory, FormationFactory
from tests.forums.factories import TopicFactory
from tests.privacy.conftest import submitted
from tests.recruitment.factories_selection import closed_period, formation_in, screened_application
from workforce.models import Kelurahan, Sector

pytestmark = pytest.mark.django_db


def restrict(user, hr):
    data_request = data_request_submit(user=user, kind="restriction")
    return data_request_handle(
        data_request=data_request, actor=hr, status="done", outcome="", carry_out=True
    )


def lift(user, hr):
    data_request = data_request_submit(user=user, kind="lift_restriction")
    return data_request_handle(
        data_request=data_request, actor=hr, status="done", outcome="", carry_out=True
    )


def test_the_other_apps_get_their_answers_from_privacy(hr, applicant, other_applicant):
    submitted(applicant)
    restrict(applicant, hr)
    Category = dataprotection.Category
    ids = [applicant.pk, other_applicant.pk]
    assert dataprotection.restricted_user_ids(Category.APPLICATION, ids) == {applicant.pk}
    assert dataprotection.restricted_user_ids(Category.FORUMS, ids) == {applicant.pk}
    assert dataprotection.restricted_user_ids(Category.EMPLOYMENT, ids) == set()
    assert dataprotection.is_restricted(applicant, Category.APPLICATION)
    assert not dataprotection.is_restricted(other_applicant, Category.APPLICATION)


def test_an_account_restriction_covers_every_category(applicant):
    Restriction.objects.create(user=applicant, category="account", reason="request")
    for category in dataprotection.Category:
        assert dataprotection.is_restricted(applicant, category)


def test_it_asks_in_one_query_whatever_the_number_of_people(
    page_cache_off, django_assert_num_queries
):
    with django_assert_num_queries(1):
        dataprotection.restricted_user_ids("application", range(1, 5000))
    with django_assert_num_queries(0):
        assert dataprotection.restricted_user_ids("application", []) == set()


# --- recruitment -------------------------------------------------------------------------------


def test_a_restricted_person_cannot_start_an_application(hr, applicant):
    ApplicantProfileFactory(user=applicant)
    submitted(applicant)
    restrict(applicant, hr)
    Application.objects.filter(applicant=applicant).delete()
    formation = FormationFactory()
    with pytest.raises(ApplicationError, match="restricted at your request"):
        application_start(user=applicant, formation=formation)
    assert not Application.objects.filter(applicant=applicant).exists()


def test_the_apply_page_says_why_and_keeps_nothing_half_done(client_as, hr, applicant):
    ApplicantProfileFactory(user=applicant)
    formation = FormationFactory()
    Restriction.objects.create(user=applicant, category="applicant_profile", reason="request")
    client = client_as(applicant)
    response = client.post(
        reverse("recruitment:apply", args=[formation.pk]), {"privacy_consent": "on"}, follow=True
    )
    assert "restricted at your request" in response.text
    assert not Application.objects.filter(applicant=applicant).exists()
    assert not applicant.privacy_consents.filter(purpose="application").exists()


def test_starting_an_application_records_the_consent_with_the_notice_version(
    client_as, applicant, settings
):
    ApplicantProfileFactory(user=applicant)
    formation = FormationFactory()
    client_as(applicant).post(
        reverse("recruitment:apply", args=[formation.pk]), {"privacy_consent": "on"}
    )
    assert Application.objects.filter(applicant=applicant).exists()
    consent = applicant.privacy_consents.get(purpose="application")
    assert consent.notice_version == settings.PRIVACY_NOTICE_VERSION


@pytest.mark.postgres
def test_announcement_emails_skip_restricted_applicants(
    hr, django_capture_on_commit_callbacks, settings
):
    period = closed_period()
    formation = formation_in(period)
    kept = screened_application(formation)
    restricted = screened_application(formation)
    Restriction.objects.create(
        user=restricted.applicant,
        category="application",
        object_id=restricted.pk,
        reason="request",
    )
    with django_capture_on_commit_callbacks(execute=True):
        announcement_publish(period=period, kind=Announcement.Kind.ADMIN, actor=hr)
    assert [m.to for m in mail.outbox] == [[kept.applicant.email]]
    # No claim for the restricted one: once the restriction is lifted, a re-sent batch reaches it.
    assert not StatusNotification.objects.filter(application=restricted).exists()
    Restriction.objects.update(lifted_at="2026-01-01T00:00Z")
    send_milestone_emails([kept.pk, restricted.pk], "admin_result")
    assert [m.to for m in mail.outbox][-1] == [restricted.applicant.email]


def test_status_emails_skip_restricted_applicants(applicant):
    application = submitted(applicant)
    Restriction.objects.create(user=applicant, category="application", reason="request")
    assert send_status_email(application.pk) is False
    assert mail.outbox == []


def test_a_lifted_restriction_lets_the_person_apply_again(hr, applicant):
    ApplicantProfileFactory(user=applicant)
    submitted(applicant)
    restrict(applicant, hr)
    # Kept after a deletion under a retention rule: not the person's to lift.
    Restriction.objects.create(
        user=applicant, category="application", object_id=999, reason="retention"
    )
    data_request = lift(applicant, hr)
    assert data_request.status == DataRequest.Status.DONE
    assert "3 restrictions lifted" in data_request.outcome
    live = Restriction.objects.filter(user=applicant, lifted_at__isnull=True)
    assert list(live.values_list("reason", flat=True)) == ["retention"]


# --- forums --------------------------------------------------------------------------------


def test_a_restricted_person_cannot_take_part_in_the_forums(hr, resident):
    from privacy.services import consent_record

    consent_record(user=resident, purpose="forum")
    topic = TopicFactory()
    restrict(resident, hr)
    sector, kelurahan = Sector.objects.first(), Kelurahan.objects.first()
    with pytest.raises(ForumError, match="restricted at your request"):
        topic_create(
            author=resident, title="t", body="b", sector=sector, kelurahan=kelurahan, address="x"
        )
    with pytest.raises(ForumError, match="restricted at your request"):
        comment_create(topic=topic, author=resident, body="b", address="x")
    with pytest.raises(ForumError, match="restricted at your request"):
        topic_support(topic=topic, user=resident, address="x")


def test_forum_emails_skip_restricted_followers(
    hr, resident, other_applicant, django_capture_on_commit_callbacks
):
    from privacy.services import consent_record

    topic = TopicFactory()
    Follow.objects.create(topic=topic, user=resident)
    Follow.objects.create(topic=topic, user=other_applicant)
    restrict(resident, hr)
    consent_record(user=hr, purpose="forum")
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(topic=topic, author=hr, body="Jawaban", address="x")
    assert [m.to for m in mail.outbox] == [[other_applicant.email]]


# --- the person's page ----------------------------------------------------------------------


def test_my_data_lists_the_restrictions_and_offers_to_lift_them(client_as, hr, applicant):
    client = client_as(applicant)
    page = client.get(reverse("privacy:my_data"))
    assert "None: the portal processes your data" in page.text
    assert 'value="lift_restriction"' not in page.text
    submitted(applicant)
    restrict(applicant, hr)
    page = client.get(reverse("privacy:my_data"))
    assert "Job application" in page.text and "Forum records" in page.text
    assert "at your request" in page.text
    assert 'value="lift_restriction"' in page.text
    response = client.post(reverse("privacy:request_create"), {"kind": "lift_restriction"})
    assert response.status_code == 302
    assert DataRequest.objects.filter(user=applicant, kind="lift_restriction").exists()


def test_lifting_is_refused_when_nothing_is_restricted(client_as, applicant):
    response = client_as(applicant).post(
        reverse("privacy:request_create"), {"kind": "lift_restriction"}
    )
    assert response.status_code == 200
    assert "kind" in response.context["form"].errors


def test_a_restriction_before_any_application_covers_the_ones_to_come(hr, applicant):
    restrict(applicant, hr)  # no profile, no application yet
    ApplicantProfileFactory(user=applicant)
    with pytest.raises(ApplicationError, match="restricted at your request"):
        application_start(user=applicant, formation=FormationFactory())


def test_a_restricted_author_cannot_edit_a_topic_or_join_a_session(hr, resident):
    from datetime import timedelta

    from django.utils import timezone

    from forums.models import DiscussionSession
    from forums.services.sessions import session_register
    from forums.services.topics import topic_edit

    topic = TopicFactory(author=resident)
    session = DiscussionSession.objects.create(
        title="Musrenbang",
        agenda="-",
        place="Kantor Kecamatan",
        starts_at=timezone.now() + timedelta(days=3),
        created_by=hr,
    )
    restrict(resident, hr)
    with pytest.raises(ForumError, match="restricted at your request"):
        topic_edit(
            topic=topic,
            user=resident,
            title="Judul baru",
            body="Isi baru",
            sector=topic.sector,
            kelurahan=topic.kelurahan,
        )
    with pytest.raises(ForumError, match="restricted at your request"):
        session_register(session=session, user=resident)
