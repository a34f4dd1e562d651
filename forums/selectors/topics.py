"""Reads of topics: the list (filters, sorting, search), one topic's page, and topics by id for
the other apps (recruitment shows the topics that informed a formation)."""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Value

from forums.access import visible_topics_q
from forums.models import Comment, Follow, StatusChange, Support, Topic, Visibility
from workforce.models import Unit

# PostgreSQL ships an `indonesian` text search configuration (checked: `\dF`): stemming of
# Indonesian affixes ("pelayanan" finds "layanan").
SEARCH_CONFIG = "indonesian"

SORTS = {
    "supported": ("-support_count", "-created_at", "-pk"),
    "newest": ("-created_at", "-pk"),
    "discussed": ("-comment_count", "-created_at", "-pk"),
    "unanswered": ("created_at", "pk"),  # the longest-waiting first
}


def search_vector():
    return SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "body", weight="B", config=SEARCH_CONFIG
    )


def topic_search(queryset: QuerySet, text: str) -> QuerySet:
    """Ranked full-text search on PostgreSQL (served by the GIN index of migration 0002); a
    plain contains-match elsewhere (SQLite in development)."""
    text = (text or "").strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        return queryset.annotate(
            search=search_vector(), rank=SearchRank(search_vector(), query)
        ).filter(search=query)
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
    topics = Topic.objects.filter(visibility=Visibility.PUBLIC).select_related(
        "sector", "kelurahan", "unit"
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
    """One topic with everything its page shows, in a fixed number of queries: the topic with its
    tags and author, its comments with their authors, its status history."""
    comments = Comment.objects.select_related("author").order_by("created_at", "pk")
    history = StatusChange.objects.select_related("changed_by").order_by("changed_at", "pk")
    return (
        _with_viewer_flags(Topic.objects.filter(visible_topics_q(user), pk=pk), user)
        .select_related("sector", "kelurahan", "unit", "author")
        .prefetch_related(
            Prefetch("comments", queryset=comments),
            Prefetch("status_changes", queryset=history),
        )
        .first()
    )


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
