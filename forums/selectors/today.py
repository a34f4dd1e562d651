"""What waits in the forums for the Today page (accounts.today): the moderators' queue, and the
residents' topics still without an official answer for those who give one. A fixed number of
queries whatever the number of rows: aggregates, never a loop over rows."""

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.today import Task
from forums.models import Report, Topic, Visibility

# Units listed before "All unanswered topics".
TODAY_UNITS = 6


def today_moderation_queue(user) -> list[Task]:
    """Posts with open reports (topics, replies) and grievances not answered yet: two queries."""
    queue = reverse("forums:moderation_queue")
    on_topic = Q(comment__isnull=True) & ~Q(topic__visibility=Visibility.GRIEVANCE)
    on_reply = Q(comment__isnull=False)
    reports = Report.objects.filter(status=Report.Status.OPEN).aggregate(
        topics=Count("topic", filter=on_topic, distinct=True),
        topic_reports=Count("pk", filter=on_topic),
        topics_since=Min("created_at", filter=on_topic),
        replies=Count("comment", filter=on_reply, distinct=True),
        reply_reports=Count("pk", filter=on_reply),
        replies_since=Min("created_at", filter=on_reply),
    )
    grievances = Topic.objects.filter(
        visibility=Visibility.GRIEVANCE, first_answer_at__isnull=True
    ).aggregate(count=Count("pk"), since=Min("created_at"))
    tasks = []
    if reports["topics"]:
        tasks.append(
            Task(
                label=ngettext("reported topic", "reported topics", reports["topics"]),
                url=f"{queue}#topics-heading",
                count=reports["topics"],
                waiting_since=reports["topics_since"],
                detail=ngettext("%(n)s open report", "%(n)s open reports", reports["topic_reports"])
                % {"n": reports["topic_reports"]},
            )
        )
    if reports["replies"]:
        tasks.append(
            Task(
                label=ngettext("reported reply", "reported replies", reports["replies"]),
                url=f"{queue}#replies-heading",
                count=reports["replies"],
                waiting_since=reports["replies_since"],
                detail=ngettext("%(n)s open report", "%(n)s open reports", reports["reply_reports"])
                % {"n": reports["reply_reports"]},
            )
        )
    if grievances["count"]:
        tasks.append(
            Task(
                label=ngettext(
                    "grievance without an answer",
                    "grievances without an answer",
                    grievances["count"],
                ),
                url=f"{queue}#grievances-heading",
                count=grievances["count"],
                waiting_since=grievances["since"],
            )
        )
    return tasks


def today_unanswered_topics(user) -> list[Task]:
    """Public topics without an official answer, per unit, the longest waiting first: one query.
    Officials (HR) answer for every unit of the kecamatan, so "my units" are all of them."""
    rows = list(
        Topic.objects.filter(visibility=Visibility.PUBLIC, first_answer_at__isnull=True)
        .values("unit_id", "unit__name")
        .annotate(count=Count("pk"), since=Min("created_at"))
        .order_by("since", "unit__name")[: TODAY_UNITS + 1]
    )
    topics = reverse("forums:topic_list")
    tasks = []
    for row in rows[:TODAY_UNITS]:
        if row["unit_id"] is None:
            label = _("unanswered, naming no unit")
            query = {"sort": "unanswered"}
        else:
            label = _("unanswered in %(unit)s") % {"unit": row["unit__name"]}
            query = {"unit": row["unit_id"], "sort": "unanswered"}
        tasks.append(
            Task(
                label=label,
                url=f"{topics}?{urlencode(query)}",
                count=row["count"],
                waiting_since=row["since"],
            )
        )
    if len(rows) > TODAY_UNITS:
        tasks.append(
            Task(
                label=_("More units with unanswered topics"),
                url=f"{topics}?{urlencode({'sort': 'unanswered'})}",
            )
        )
    return tasks
