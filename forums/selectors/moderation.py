"""The moderators' queue and log."""

from django.db.models import Prefetch, Q, QuerySet

from forums.models import Comment, ModerationAction, Report, Topic, Visibility


def moderation_queue() -> dict[str, QuerySet]:
    """Topics and comments with open reports or hidden awaiting a decision, and the grievance
    track; each list one query, with its reports prefetched."""
    open_reports = Report.objects.filter(status=Report.Status.OPEN).select_related("reporter")
    topics = (
        Topic.objects.filter(Q(open_report_count__gt=0) | Q(visibility=Visibility.HIDDEN))
        .exclude(visibility=Visibility.GRIEVANCE)
        .select_related("author", "sector", "kelurahan")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=open_reports.filter(comment__isnull=True),
                to_attr="open_reports",
            )
        )
        .order_by("-open_report_count", "-created_at")
    )
    comments = (
        Comment.objects.filter(Q(open_report_count__gt=0) | Q(visibility=Visibility.HIDDEN))
        .select_related("author", "topic")
        .prefetch_related(Prefetch("reports", queryset=open_reports, to_attr="open_reports"))
        .order_by("-open_report_count", "-created_at")
    )
    grievances = (
        Topic.objects.filter(visibility=Visibility.GRIEVANCE)
        .select_related("author", "sector", "kelurahan", "unit")
        .order_by("-created_at")
    )
    return {"topics": topics, "comments": comments, "grievances": grievances}


def moderation_log() -> QuerySet:
    return ModerationAction.objects.select_related(
        "moderator", "target_user", "topic", "comment"
    ).order_by("-at", "-pk")
