"""Every app's messages to a person go through notifications.notify: an inbox notification that
links to its subject, exactly one outbox row per (notification, channel) however often the task
runs, and the channels the person chose (WhatsApp only: no e-mail), except that a recruitment
message (essential) always reaches at least one channel outside the portal."""

import datetime as dt
from datetime import date, datetime, time
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core import channels
from core.models import OutboxMessage
from forums.models import Follow
from forums.tasks import notify_followers, send_weekly_digest
from notifications.models import Category, Notification, Preferences
from performance.selectors.reminders import reminders_pending_for
from performance.services.reminders import reminders_send
from privacy.services import data_request_handle, data_request_submit
from privacy.tasks import send_request_answer
from recruitment.models import AdminResult, Announcement
from recruitment.services.announcements import announcement_publish
from recruitment.services.applications import application_finalise, application_start
from recruitment.tasks import send_announcement_emails, send_status_email
from tests.factories import ApplicantProfileFactory, FormationFactory, UserFactory
from tests.forums.factories import CommentFactory, TopicFactory
from tests.performance.factories import agreed_skp, cycle, team
from tests.recruitment.factories_selection import closed_period, formation_in, screened_application
from tests.training.factories import SessionFactory, employee_with_user
from training.services.guests import session_guest_invite
from training.tasks import send_guest_invitation, send_jp_reminders

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

PHONE = "+6281234567890"
CHANNELS = {
    "sms": {"BACKEND": "core.channels.LocmemBackend"},
    "whatsapp": {"BACKEND": "core.channels.LocmemBackend"},
}


@pytest.fixture(autouse=True)
def _phone_channels(settings):
    settings.NOTIFICATION_CHANNELS = CHANNELS
    channels.sent.clear()
    yield
    channels.sent.clear()


def whatsapp_only(user, phone=PHONE):
    """The person chose WhatsApp (verified) for every category, and no quiet hours (so the test
    does not depend on the time of day it runs)."""
    Preferences.objects.update_or_create(
        user=user,
        defaults={
            "channels": {category: ["whatsapp"] for category in Category.values},
            "phone": phone,
            "phone_verified_at": timezone.now(),
            "quiet_start": time(0, 0),
            "quiet_end": time(0, 0),
        },
    )


def the_notification(user, kind) -> Notification:
    (notification,) = Notification.objects.filter(recipient=user, kind=kind)
    return notification


def outbox_rows(notification) -> list[tuple[str, str]]:
    """(channel, key) of the notification's outbox rows; and nothing of its kind went to the
    person around the notification (a raw outbox row has no key)."""
    assert not OutboxMessage.objects.filter(
        user_id=notification.recipient_id, kind=notification.kind, key__isnull=True
    ).exists()
    return sorted(
        OutboxMessage.objects.filter(key__startswith=f"n{notification.pk}:").values_list(
            "channel", "key"
        )
    )


def assert_emailed_once(notification):
    assert outbox_rows(notification) == [("email", f"n{notification.pk}:email")]
    assert [m.to for m in mail.outbox if m.subject == notification.subject] == [
        [notification.recipient.email]
    ]


def assert_whatsapp_only(notification):
    assert outbox_rows(notification) == [("whatsapp", f"n{notification.pk}:whatsapp")]
    assert mail.outbox == []
    (sent,) = channels.sent["whatsapp"]
    assert sent["to"] == PHONE
    assert reverse("notifications:open", args=[notification.pk]) in sent["text"]


def assert_in_inbox(client_as, notification, path):
    """Listed in the recipient's inbox, and opening it goes to the subject's page."""
    assert path and notification.url == path
    client = client_as(notification.recipient)
    inbox = client.get(reverse("notifications:inbox"))
    assert notification in inbox.context["page"].object_list
    opened = client.get(reverse("notifications:open", args=[notification.pk]))
    assert opened.status_code == 302 and opened["Location"] == path


# --- recruitment ------------------------------------------------------------------------------


def test_recruitment_status_message(client_as, applicant):
    ApplicantProfileFactory(user=applicant)
    draft = application_start(user=applicant, formation=FormationFactory(required=[]))
    application = application_finalise(application=draft, user=applicant)

    assert send_status_email(application.pk) is True
    assert send_status_email(application.pk) is False  # the task ran twice: sent once

    notification = the_notification(applicant, "recruitment.status")
    assert notification.category == Category.RECRUITMENT and not notification.urgent
    assert application.registration_number in notification.subject
    assert_emailed_once(notification)
    assert_in_inbox(client_as, notification, application.get_absolute_url())


def test_recruitment_messages_reach_a_channel_outside_the_portal_whatever_was_chosen(
    settings, hr, django_capture_on_commit_callbacks
):
    """Essential: WhatsApp when chosen; e-mail when the chosen channel is gone. A TMS result with
    the appeal window ahead is urgent (quiet hours do not hold it back); an MS one is not."""
    formation = formation_in(closed_period())
    tms = screened_application(formation, result=AdminResult.TMS)
    ms = screened_application(formation)
    whatsapp_only(tms.applicant)
    whatsapp_only(ms.applicant)
    settings.NOTIFICATION_CHANNELS = {"sms": CHANNELS["sms"]}  # WhatsApp no longer offered

    with django_capture_on_commit_callbacks(execute=True):
        announcement = announcement_publish(
            period=formation.period, kind=Announcement.Kind.ADMIN, actor=hr
        )
    send_announcement_emails(announcement.pk)  # a duplicated task adds nothing

    for application, urgent in ((tms, True), (ms, False)):
        notification = the_notification(application.applicant, "recruitment.milestone")
        assert notification.urgent is urgent
        assert notification.url == application.get_absolute_url()
        assert_emailed_once(notification)  # the fallback: e-mail
    assert "whatsapp" not in channels.sent

    # WhatsApp offered again: the next message goes there, and not by e-mail.
    settings.NOTIFICATION_CHANNELS = CHANNELS
    mail.outbox.clear()
    draft = application_start(
        user=ApplicantProfileFactory().user, formation=FormationFactory(required=[])
    )
    applicant = draft.applicant
    whatsapp_only(applicant)
    application_finalise(application=draft, user=applicant)
    send_status_email(draft.pk)
    send_status_email(draft.pk)
    assert_whatsapp_only(the_notification(applicant, "recruitment.status"))


# --- forums ---------------------------------------------------------------------------------


def test_forum_follower_notification_and_digest(client_as, resident):
    topic = TopicFactory(author=UserFactory(roles=["resident"]))
    Follow.objects.create(topic=topic, user=resident)
    comment = CommentFactory(topic=topic, body="Balasan baru")

    assert notify_followers("comment", comment.pk) == 1
    assert notify_followers("comment", comment.pk) == 0  # the task ran twice: sent once

    notification = the_notification(resident, "forums.notification")
    assert notification.category == Category.FORUMS
    assert_emailed_once(notification)
    # The reply's own link: it lands on the page of the topic that holds it.
    assert_in_inbox(client_as, notification, reverse("forums:comment_link", args=[comment.pk]))

    # WhatsApp only: the digest (its own category) goes there, and no e-mail.
    whatsapp_only(resident)
    mail.outbox.clear()
    assert send_weekly_digest() == 1
    assert send_weekly_digest() == 0
    digest = the_notification(resident, "forums.digest")
    assert digest.category == Category.DIGEST
    assert digest.url == reverse("forums:my_topics")
    assert "Balasan baru" in digest.body
    assert_whatsapp_only(digest)


# --- training -------------------------------------------------------------------------------


def _on(day: date):
    moment = timezone.make_aware(datetime(day.year, day.month, day.day, 9, 0))
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_training_jp_reminder_and_guest_invitation(
    client_as, supervisor, resident, django_capture_on_commit_callbacks
):
    employee = employee_with_user(supervisor=employee_with_user(supervisor))
    whatsapp_only(supervisor)
    year = timezone.localdate().year
    with _on(date(year, 12, 1)):
        assert send_jp_reminders() == 3  # the employee; the supervisor as employee and as boss
        assert send_jp_reminders() == 0

    notification = the_notification(employee.user, "training.jp_reminder")
    assert notification.category == Category.TRAINING
    assert_emailed_once(notification)
    assert_in_inbox(client_as, notification, reverse("training:programme_list"))

    # The supervisor chose WhatsApp only: two reminders there, none by e-mail.
    reminders = Notification.objects.filter(recipient=supervisor, kind="training.jp_reminder")
    assert reminders.count() == 2
    assert sorted(
        OutboxMessage.objects.filter(user_id=supervisor.pk).values_list("channel", "key")
    ) == sorted(("whatsapp", f"n{n.pk}:whatsapp") for n in reminders)
    assert supervisor.email not in [m.to[0] for m in mail.outbox]
    assert len(channels.sent["whatsapp"]) == 2

    # A resident invited to a session: told once, through the inbox too.
    session = SessionFactory(title="Angkatan II")
    with django_capture_on_commit_callbacks(execute=True):
        guest = session_guest_invite(session=session, user=resident, role="speaker")
    assert send_guest_invitation(guest.pk) is False
    invitation = the_notification(resident, "training.invitation")
    assert_emailed_once(invitation)
    assert_in_inbox(client_as, invitation, session.get_absolute_url())


# --- privacy --------------------------------------------------------------------------------


def test_privacy_request_answer(client_as, applicant, other_applicant, hr):
    def answered(user):
        data_request = data_request_submit(user=user, kind="correction", details="nama saya")
        data_request_handle(
            data_request=data_request,
            actor=hr,
            status="done",
            outcome="Nama Anda sudah dibetulkan.",
            carry_out=False,
        )
        assert send_request_answer(data_request.pk) is True
        assert send_request_answer(data_request.pk) is False  # the task ran twice: sent once
        return data_request

    data_request = answered(applicant)
    notification = the_notification(applicant, "privacy.answer")
    assert notification.category == Category.PRIVACY
    assert "Nama Anda sudah dibetulkan." in notification.body
    assert_emailed_once(notification)
    assert_in_inbox(client_as, notification, data_request.get_absolute_url())

    whatsapp_only(other_applicant)
    mail.outbox.clear()
    answered(other_applicant)
    assert_whatsapp_only(the_notification(other_applicant, "privacy.answer"))


# --- performance ----------------------------------------------------------------------------


def test_performance_reminders(client_as, supervisor):
    the_cycle = cycle(2026)
    _boss, (member,) = team(supervisor, 1)
    agreed_skp(member, the_cycle, by=supervisor)
    today = dt.date(2026, 4, 10) - dt.timedelta(days=7)  # Q1 review due in 7 days

    first = reminders_send(today=today)
    second = reminders_send(today=today)  # the job ran twice: sent once
    assert (first.claimed, first.emails, second.claimed, second.emails) == (1, 1, 0, 0)

    notification = the_notification(supervisor, "performance.reminder")
    assert notification.category == Category.PERFORMANCE
    assert member.full_name in notification.body
    assert_emailed_once(notification)
    (reminder,) = reminders_pending_for(supervisor, today)
    assert_in_inbox(client_as, notification, reminder.path)

    # The supervisor now wants WhatsApp only: the 1-day reminder goes there, not by e-mail.
    whatsapp_only(supervisor)
    mail.outbox.clear()
    run = reminders_send(today=today + dt.timedelta(days=6))
    assert (run.claimed, run.emails) == (1, 0)
    latest = Notification.objects.filter(recipient=supervisor).order_by("-pk").first()
    assert latest.pk != notification.pk
    assert_whatsapp_only(latest)
