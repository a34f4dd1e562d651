"""Reads for a person's own forum page (/forums/mine/): their topics with the answers they got,
the topics they follow, the discussion sessions they registered for and their IKM answers.

Always the signed-in person's own: every query filters on them, and the page takes no id. A fixed
number of queries whatever the numbers: the newest official answer and the count of new replies
come with each topic as subqueries, not one query per topic."""

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from forums.access import visible_topics_q
from forums.models import Comment, DiscussionSession, IkmResponse, Topic, Visibility

TOPICS_PER_PAGE = 20
FOLLOWED_SHOWN = 50
SESSIONS_SHOWN = 20
SURVEYS_SHOWN = 20


def _with_answers_and_news(topics: QuerySet, *, user, since: datetime | None) -> QuerySet:
    """Each topic with its newest public official answer (stored HTML and time) and the number
    of public replies by others since `since` (0 when there is no earlier visit to compare with)."""
    official = Comment.objects.filter(
        topic=OuterRef("pk"), is_official=True, visibility=Visibility.PUBLIC
    ).order_by("-created_at", "-pk")
    topics = topics.annotate(
        latest_answer_html=Subquery(official.values("body_html")[:1]),
        latest_answer_at=Subquery(official.values("created_at")[:1]),
    )
    if since is None:
        return topics.annotate(new_replies=Value(0, output_field=IntegerField()))
    new = (
        Comment.objects.filter(
            topic=OuterRef("pk"), visibility=Visibility.PUBLIC, created_at__gt=since
        )
        .exclude(author=user)
        .order_by()
        .values("topic")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return topics.annotate(
        new_replies=Coalesce(Subquery(new, output_field=IntegerField()), Value(0))
    )


def _tagged(topics: QuerySet) -> QuerySet:
    return topics.select_related("sector", "kelurahan", "unit").order_by("-last_activity_at", "-pk")


@dataclass
class MyForum:
    topics: Page  # the person's own topics, the latest activity first
    followed: list[Topic]  # others' topics they follow
    upcoming_sessions: list[DiscussionSession]  # the soonest first
    past_sessions: list[DiscussionSession]  # the latest first
    surveys: list[IkmResponse]

    @property
    def is_empty(self) -> bool:
        return not (
            self.topics.paginator.count
            or self.followed
            or self.upcoming_sessions
            or self.past_sessions
            or self.surveys
        )


def my_forum(user, *, page: str | int | None = None, since: datetime | None = None) -> MyForum:
    """Everything the person's own forum page shows."""
    own = _with_answers_and_news(_tagged(Topic.objects.filter(author=user)), user=user, since=since)
    followed = _with_answers_and_news(
        _tagged(
            Topic.objects.filter(visible_topics_q(user), follows__user=user).exclude(author=user)
        ),
        user=user,
        since=since,
    )
    sessions = list(
        DiscussionSession.objects.filter(registrations__user=user)
        .select_related("sector", "kelurahan")
        .order_by("-starts_at", "-pk")[:SESSIONS_SHOWN]
    )
    now = timezone.now()
    surveys = (
        IkmResponse.objects.filter(respondent=user)
        .select_related("unit", "period")
        .order_by("-created_at", "-pk")[:SURVEYS_SHOWN]
    )
    return MyForum(
        topics=Paginator(own, TOPICS_PER_PAGE).get_page(page),
        followed=list(followed[:FOLLOWED_SHOWN]),
        upcoming_sessions=sorted(
            (s for s in sessions if s.starts_at >= now), key=lambda s: (s.starts_at, s.pk)
        ),
        past_sessions=[s for s in sessions if s.starts_at < now],
        surveys=list(surveys),
    )
