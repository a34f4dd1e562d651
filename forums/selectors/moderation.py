"""The moderators' queue and log."""

from django.db.models import Prefetch, Q, QuerySet

from forums.models import Comment, ModerationAction, Report, Topic, Visibility

# The latest decisions shown beside each post in the queue; the whole history is in the log.
QUEUE_HISTORY = 5


def _open_reports() -> QuerySet:
    # Ordered by reason so the queue groups them ({% regroup %}) with a count per reason.
    return (
        Report.objects.filter(status=Report.Status.OPEN)
        .select_related("reporter")
        .order_by("reason", "created_at", "pk")
    )


def _history() -> QuerySet:
    return ModerationAction.objects.select_related("moderator").order_by("-at", "-pk")


def moderation_queue() -> dict[str, QuerySet]:
    """Topics and comments with open reports or hidden awaiting a decision, and the grievance
    track. Each list is one query, plus one for its open reports and one for its latest
    decisions (prefetched per page, whatever the number of rows)."""
    topics = (
        Topic.objects.filter(Q(open_report_count__gt=0) | Q(visibility=Visibility.HIDDEN))
        .exclude(visibility=Visibility.GRIEVANCE)
        .select_related("author", "sector", "kelurahan")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=_open_reports().filter(comment__isnull=True),
                to_attr="open_reports",
            ),
            Prefetch(
                "moderation_actions",
                queryset=_history().filter(comment__isnull=True)[:QUEUE_HISTORY],
                to_attr="history",
            ),
        )
        .order_by("-open_report_count", "-created_at")
    )
    comments = (
        Comment.objects.filter(Q(open_report_count__gt=0) | Q(visibility=Visibility.HIDDEN))
        .select_related("author", "topic")
        .prefetch_related(
            Prefetch("reports", queryset=_open_reports(), to_attr="open_reports"),
            Prefetch("moderation_actions", queryset=_history()[:QUEUE_HISTORY], to_attr="history"),
        )
        .order_by("-open_report_count", "-created_at")
    )
    grievances = (
        Topic.objects.filter(visibility=Visibility.GRIEVANCE)
        .select_related("author", "sector", "kelurahan", "unit")
        .order_by("-created_at")
    )
    return {"topics": topics, "comments": comments, "grievances": grievances}


def topic_moderation_history(topic: Topic) -> QuerySet:
    """Every decision on a topic and on its replies, newest first, for its page (moderators)."""
    return (
        ModerationAction.objects.filter(topic=topic)
        .select_related("moderator", "comment")
        .order_by("-at", "-pk")
    )


def moderation_log() -> QuerySet:
    return ModerationAction.objects.select_related(
        "moderator", "target_user", "topic", "comment"
    ).order_by("-at", "-pk")
