"""Reads of topics: the list (filters, sorting, search), one topic's page with its replies a page
at a time, and topics by id for the other apps (recruitment shows the topics that informed a
formation)."""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Value

from forums.access import is_moderator, visible_topics_q
from forums.fields import SEARCH_CONFIG
from forums.models import Comment, Follow, StatusChange, Support, Topic, Visibility
from workforce.models import Unit

SORTS = {
    "supported": ("-support_count", "-created_at", "-pk"),
    "newest": ("-created_at", "-pk"),
    "discussed": ("-comment_count", "-created_at", "-pk"),
    "unanswered": ("created_at", "pk"),  # the longest-waiting first
}

# Replies on a topic's page: a page of them, oldest first (a conversation reads down). Official
# answers are not among them: the page shows them all above the replies.
REPLIES_PER_PAGE = 50
REPLY_ORDER = ("created_at", "pk")


def topic_search(queryset: QuerySet, text: str) -> QuerySet:
    """Ranked full-text search on PostgreSQL: the stored document of each topic (title weight A,
    text weight B, `indonesian` configuration; forums.fields), matched through its GIN index and
    ranked without recomputing it. A plain contains-match elsewhere (SQLite in development)."""
    text = (text or "").strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        return queryset.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query)
        )
    return queryset.filter(Q(title__icontains=text) | Q(body__icontains=text)).annotate(
        rank=Value(0.0)
    )


def _with_viewer_flags(queryset: QuerySet, user) -> QuerySet:
    if getattr(user, "is_authenticated", False):
        return queryset.annotate(
            supported=Exists(Support.objects.filter(topic=OuterRef("pk"), user=user)),
            following=Exists(Follow.objects.filter(topic=OuterRef("pk"), user=user)),
        )
    return queryset.annotate(supported=Value(False), following=Value(False))


def topic_list(
    user,
    *,
    search: str = "",
    sector=None,
    kelurahan=None,
    unit=None,
    status: str = "",
    sort: str = "",
) -> QuerySet:
    """Public topics (and the viewer's own), shaped for the list: one query per page."""
    topics = (
        Topic.objects.filter(visibility=Visibility.PUBLIC)
        .select_related("sector", "kelurahan", "unit")
        .defer("search_vector", "body_html")  # a card shows neither
    )
    if sector:
        topics = topics.filter(sector=sector)
    if kelurahan:
        topics = topics.filter(kelurahan=kelurahan)
    if unit:
        topics = topics.filter(unit=unit)
    if status:
        topics = topics.filter(status=status)
    if sort == "unanswered":
        topics = topics.filter(first_answer_at__isnull=True)
    topics = _with_viewer_flags(topic_search(topics, search), user)
    if search and not sort:
        return topics.order_by("-rank", "-created_at", "-pk")
    return topics.order_by(*SORTS.get(sort or "newest", SORTS["newest"]))


def topic_for_page(user, pk) -> Topic | None:
    """One topic with what its page shows around the replies, in a fixed number of queries: the
    topic with its tags and author, its status history. The replies come from `topic_replies`
    and `topic_official_answers`."""
    history = StatusChange.objects.select_related("changed_by").order_by("changed_at", "pk")
    return (
        _with_viewer_flags(Topic.objects.filter(visible_topics_q(user), pk=pk), user)
        .select_related("sector", "kelurahan", "unit", "author")
        .defer("search_vector")
        .prefetch_related(Prefetch("status_changes", queryset=history))
        .first()
    )


def _visible_comments(topic: Topic, user) -> QuerySet:
    """The topic's comments this person sees: the public ones, their own, every one for a
    moderator."""
    comments = Comment.objects.filter(topic=topic)
    if is_moderator(user):
        return comments
    if getattr(user, "is_authenticated", False):
        return comments.filter(Q(visibility=Visibility.PUBLIC) | Q(author=user))
    return comments.filter(visibility=Visibility.PUBLIC)


def topic_official_answers(topic: Topic, user) -> QuerySet:
    """The institution's answers on the topic, oldest first, with their authors: shown above
    the replies on every page of them (answers are few: staff write them)."""
    return (
        _visible_comments(topic, user)
        .filter(is_official=True)
        .select_related("author")
        .order_by(*REPLY_ORDER)
    )


def topic_replies(topic: Topic, user) -> QuerySet:
    """The topic's other replies, oldest first, with their authors (to be paged)."""
    return (
        _visible_comments(topic, user)
        .filter(is_official=False)
        .select_related("author")
        .order_by(*REPLY_ORDER)
    )


def comment_for_link(user, pk) -> Comment | None:
    """A comment whose topic this person may see, with its topic, or None."""
    topics = Topic.objects.filter(visible_topics_q(user))
    return (
        Comment.objects.filter(pk=pk, topic__in=topics)
        .select_related("topic")
        .defer("topic__search_vector", "topic__body_html", "body_html")
        .first()
    )


def reply_page_number(comment: Comment, user) -> int | None:
    """The page of the topic's replies that holds `comment` for this person (1 for an official
    answer, shown above every page), or None when they do not see the comment. One query
    (served by the comments' (topic, created_at) index)."""
    visible = _visible_comments(comment.topic, user)
    if not visible.filter(pk=comment.pk).exists():
        return None
    if comment.is_official:
        return 1
    before = (
        topic_replies(comment.topic, user)
        .filter(
            Q(created_at__lt=comment.created_at)
            | Q(created_at=comment.created_at, pk__lt=comment.pk)
        )
        .count()
    )
    return before // REPLIES_PER_PAGE + 1


def topics_for_ids(ids) -> QuerySet:
    """Public topics with these ids, for other apps (e.g. a formation's vacancy page)."""
    return (
        Topic.objects.filter(pk__in=list(ids), visibility=Visibility.PUBLIC)
        .select_related("sector", "kelurahan", "unit")
        .order_by("-support_count", "-created_at")
    )


def public_topics(limit: int = 100) -> QuerySet:
    """The most supported public topics, for other apps to cite (e.g. a formation's criteria).
    A bounded, filterable queryset: the ids come from a subquery, not a slice."""
    top = Topic.objects.filter(visibility=Visibility.PUBLIC).order_by("-support_count", "-pk")
    return (
        Topic.objects.filter(pk__in=top.values("pk")[:limit])
        .select_related("sector", "kelurahan")
        .order_by("-support_count", "-pk")
    )


def topic_units(sector_id=None) -> QuerySet:
    """The units a topic may name: those of its sector once one is chosen (every unit before,
    each labelled with its sector)."""
    units = Unit.objects.select_related("sector").order_by("sector__order", "name")
    return units.filter(sector_id=sector_id) if sector_id else units
