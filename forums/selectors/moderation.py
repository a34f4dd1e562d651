"""The moderators' queue and log."""

from datetime import timedelta

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

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


# Posts hidden by a moderator's decision stay listed (to restore them) this long after it.
DECIDED_DAYS = 30


def _latest(**outer) -> dict:
    actions = ModerationAction.objects.filter(**outer).order_by("-at", "-pk")
    return {
        "latest_kind": Subquery(actions.values("kind")[:1]),
        "latest_at": Subquery(actions.values("at")[:1]),
    }


def _awaiting() -> Q:
    """Open reports, or hidden without a moderator's decision (hidden automatically)."""
    undecided = Q(latest_kind__isnull=True) | Q(latest_kind=ModerationAction.Kind.AUTO_HIDE)
    return Q(open_report_count__gt=0) | (Q(visibility=Visibility.HIDDEN) & undecided)


def _decided(now) -> Q:
    """Hidden by a moderator's decision in the last DECIDED_DAYS, no report open since."""
    return Q(
        open_report_count=0, visibility=Visibility.HIDDEN, latest_kind=ModerationAction.Kind.HIDE
    ) & Q(latest_at__gte=now - timedelta(days=DECIDED_DAYS))


def moderation_queue(now=None) -> dict[str, QuerySet]:
    """Topics and comments waiting for a decision (open reports, or hidden automatically), the
    ones a moderator hid recently (to restore them if need be), and the grievance track. Each
    list is one query, plus one for its open reports and one for its latest decisions
    (prefetched per page, whatever the number of rows). A decided post leaves the first lists,
    so the queue empties as the work is done."""
    now = now or timezone.now()
    topic_rows = (
        Topic.objects.exclude(visibility=Visibility.GRIEVANCE)
        .annotate(**_latest(topic=OuterRef("pk"), comment__isnull=True))
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
    )
    comment_rows = (
        Comment.objects.annotate(**_latest(comment=OuterRef("pk")))
        .select_related("author", "topic")
        .prefetch_related(
            Prefetch("reports", queryset=_open_reports(), to_attr="open_reports"),
            Prefetch("moderation_actions", queryset=_history()[:QUEUE_HISTORY], to_attr="history"),
        )
    )
    topics = topic_rows.filter(_awaiting()).order_by("-open_report_count", "-created_at")
    comments = comment_rows.filter(_awaiting()).order_by("-open_report_count", "-created_at")
    decided_topics = topic_rows.filter(_decided(now)).order_by("-latest_at", "-pk")
    decided_comments = comment_rows.filter(_decided(now)).order_by("-latest_at", "-pk")
    grievances = (
        Topic.objects.filter(visibility=Visibility.GRIEVANCE)
        .select_related("author", "sector", "kelurahan", "unit")
        .order_by("-created_at")
    )
    return {
        "topics": topics,
        "comments": comments,
        "decided_topics": decided_topics,
        "decided_comments": decided_comments,
        "grievances": grievances,
    }


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
