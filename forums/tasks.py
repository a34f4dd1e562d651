"""E-mail to followers on replies, official answers and status changes (once per user and event:
a Notification row is the claim), and the optional weekly digest (once per user and week)."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts import dataprotection
from core.tasks import mail_task_options
from forums.models import Comment, DigestDelivery, Follow, Notification, StatusChange, Topic
from notifications import services as notifications

logger = logging.getLogger(__name__)

TASK_OPTIONS = mail_task_options(soft_time_limit=120, time_limit=180)


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _event(event: str, object_id: int):
    """(topic, actor id, context) for the event, or None when it no longer exists."""
    if event in {Notification.Event.COMMENT, Notification.Event.OFFICIAL}:
        comment = Comment.objects.select_related("topic", "author").filter(pk=object_id).first()
        if comment is None or comment.visibility != "public":
            return None
        return comment.topic, comment.author_id, {"comment": comment}
    if event == Notification.Event.STATUS:
        change = StatusChange.objects.select_related("topic").filter(pk=object_id).first()
        if change is None:
            return None
        return change.topic, change.changed_by_id, {"change": change}
    return None


@shared_task(**TASK_OPTIONS)
def notify_followers(event: str, object_id: int) -> int:
    """E-mail every follower of the topic but the one who acted; returns how many were sent."""
    found = _event(event, object_id)
    if found is None:
        return 0
    topic, actor_id, extra = found
    if topic.visibility != "public":
        return 0
    # A reply's link opens the page of the topic that holds it (forums:comment_link).
    path = extra["comment"].get_absolute_url() if "comment" in extra else topic.get_absolute_url()
    followers = (
        Follow.objects.filter(topic=topic, user__is_active=True)
        .exclude(user_id=actor_id)
        .select_related("user")
    )
    followers = list(followers)
    restricted = _restricted(follow.user_id for follow in followers)
    sent = []
    for follow in followers:
        user = follow.user
        if not user.email or user.pk in restricted:
            continue
        with transaction.atomic():
            _claim, created = Notification.objects.get_or_create(
                user=user, event=event, object_id=object_id
            )
            if not created:
                continue
            # The claim and the notification commit together; the outbox sends (core.outbox).
            sent.append(
                notifications.notify(
                    user,
                    kind="forums.notification",
                    message=_message(user, event, topic, extra, path=path),
                    url=path,
                )
            )
    notifications.deliver_now(sent)
    if sent:
        logger.info("Forum notification %s %s sent to %s follower(s).", event, object_id, len(sent))
    return len(sent)


def _restricted(user_ids) -> set[int]:
    """Who asked for the processing of their forum records to be restricted (UU PDP): no
    e-mails. One query."""
    return dataprotection.restricted_user_ids(dataprotection.Category.FORUMS, user_ids)


def _message(user, event: str, topic: Topic, extra: dict, *, path: str) -> EmailMessage:
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "name": user.get_full_name() or user.email,
            "event": event,
            "topic": topic,
            "url": absolute_url(path),
            **extra,
        }
        subject = render_to_string("forums/email/notification_subject.txt", context)
        body = render_to_string("forums/email/notification_body.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[user.email])


def week_start(day):
    return day - timedelta(days=day.weekday())


@shared_task(acks_late=True, serializer="json", soft_time_limit=600, time_limit=660)
def send_weekly_digest() -> int:
    """For each follower with activity on their topics in the last seven days: one e-mail,
    topics newest activity first, with the replies grouped under each. Once per user and week."""
    now = timezone.now()
    since = now - timedelta(days=7)
    week = week_start(timezone.localdate())
    follows = (
        Follow.objects.filter(
            topic__last_activity_at__gte=since, topic__visibility="public", user__is_active=True
        )
        .exclude(user__forum_digests__week=week)
        .select_related("user", "topic")
        .order_by("user_id", "-topic__last_activity_at")
    )
    by_user: dict[int, tuple] = {}
    for follow in follows:
        by_user.setdefault(follow.user_id, (follow.user, []))[1].append(follow.topic)
    comments = {}
    topic_ids = {t.pk for _user, topics in by_user.values() for t in topics}
    for comment in (
        Comment.objects.filter(topic_id__in=topic_ids, created_at__gte=since, visibility="public")
        .select_related("author")
        .order_by("-created_at")
    ):
        comments.setdefault(comment.topic_id, []).append(comment)
    restricted = _restricted(by_user)
    sent = []
    for user, topics in by_user.values():
        if not user.email or user.pk in restricted:
            continue
        with transaction.atomic():
            _claim, created = DigestDelivery.objects.get_or_create(user=user, week=week)
            if not created:
                continue
            with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
                context = {
                    "name": user.get_full_name() or user.email,
                    "items": [
                        (t, absolute_url(t.get_absolute_url()), comments.get(t.pk, []))
                        for t in topics
                    ],
                }
                subject = render_to_string("forums/email/digest_subject.txt", context)
                body = render_to_string("forums/email/digest_body.txt", context)
            message = EmailMessage(" ".join(subject.split()), body, to=[user.email])
            sent.append(
                notifications.notify(
                    user, kind="forums.digest", message=message, url=reverse("forums:my_topics")
                )
            )
    notifications.deliver_now(sent)
    return len(sent)
