"""What waits in training, for the Today page (accounts.today): the enrolment requests a
supervisor has to approve, and for HR the sessions whose requests or waiting lists need a look.
One query per section, whatever the number of requests."""

from datetime import date

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.today import PROVIDER_CAP, Task
from core.clock import wib
from training.models import Enrolment, Session, TrainingYearRule, date_range
from training.selectors.ledger import default_rule, with_jp
from workforce.models import AsnType, Employee
from workforce.selectors import teams

Status = Enrolment.Status
# Lines per section before "More".
TODAY_LIMIT = 8


def today_requests_to_approve(user) -> list[Task]:
    """The requests of this supervisor's team, grouped per session: how many, and since when
    the oldest has waited (one query)."""
    rows = list(
        Enrolment.objects.filter(
            teams.team_q("employee__"), status=Status.REQUESTED, employee__supervisor__user=user
        )
        .values(
            "session_id",
            "session__title",
            "session__starts_on",
            "session__ends_on",
            "session__programme__name",
        )
        .annotate(count=Count("pk"), oldest=Min("created_at"))
        .order_by("oldest", "session_id")[: TODAY_LIMIT + 1]
    )
    url = reverse("training:team_requests")
    tasks = [
        Task(
            label=_session_label(row),
            url=url,
            count=row["count"],
            waiting_since=row["oldest"],
            detail=ngettext(
                "%(count)s request to approve", "%(count)s requests to approve", row["count"]
            )
            % {"count": row["count"]},
        )
        for row in rows[:TODAY_LIMIT]
    ]
    if len(rows) > TODAY_LIMIT:
        tasks.append(Task(label=_("More requests waiting"), url=url))
    return tasks


def today_waiting_lists(user) -> list[Task]:
    """For HR: sessions not yet started with people on the waiting list (a seat to add, or a
    session to plan), the longest waiting first (one query)."""
    rows = list(
        Session.objects.filter(starts_on__gt=timezone.localdate())
        .annotate(
            waiting=Count("enrolments", filter=Q(enrolments__status=Status.WAITLISTED)),
            oldest=Min("enrolments__created_at", filter=Q(enrolments__status=Status.WAITLISTED)),
        )
        .filter(waiting__gt=0)
        .select_related("programme")
        .order_by("oldest", "pk")[: TODAY_LIMIT + 1]
    )
    tasks = [
        Task(
            label=str(session),
            url=session.get_absolute_url(),
            count=session.waiting,
            waiting_since=session.oldest,
            detail=ngettext(
                "%(count)s person on the waiting list, %(capacity)s seats",
                "%(count)s people on the waiting list, %(capacity)s seats",
                session.waiting,
            )
            % {"count": session.waiting, "capacity": session.capacity},
        )
        for session in rows[:TODAY_LIMIT]
    ]
    if len(rows) > TODAY_LIMIT:
        tasks.append(
            Task(label=_("More waiting lists"), url=reverse("training:programme_manage_list"))
        )
    return tasks


def _session_label(row) -> str:
    """The session's name as Session.__str__ writes it, from the values of one query."""
    name = row["session__programme__name"]
    if row["session__title"]:
        name = f"{name} — {row['session__title']}"
    return f"{name} ({date_range(row['session__starts_on'], row['session__ends_on'])})"


def today_my_training(user) -> list[Task]:
    """For an employee: the sessions they hold a seat in that have not ended, and, for a PNS
    short of the year's minimum, the study hours (JP) still to complete by 31 December. Four
    queries whatever the number of sessions."""
    employee = Employee.objects.filter(user=user).only("pk", "asn_type").first()
    if employee is None:
        return []
    today = timezone.localdate()
    seats = (
        Enrolment.objects.filter(
            employee=employee, status=Status.ENROLLED, session__ends_on__gte=today
        )
        .select_related("session__programme")
        .order_by("session__starts_on", "pk")[:PROVIDER_CAP]
    )
    tasks = [
        Task(
            label=str(enrolment.session),
            url=enrolment.session.get_absolute_url(),
            detail=_("Running now: you are enrolled.")
            if enrolment.session.starts_on <= today
            else _("You are enrolled: it starts on %(day)s.")
            % {"day": date_format(enrolment.session.starts_on, "j F Y")},
        )
        for enrolment in seats
    ]
    if employee.asn_type == AsnType.PNS:
        year = today.year
        done = (
            with_jp(Employee.objects.filter(pk=employee.pk), year)
            .values_list("jp_done", flat=True)
            .first()
        ) or 0
        rule = TrainingYearRule.objects.filter(year=year).first() or default_rule(year)
        missing = rule.pns_min_jp - done
        if missing > 0:
            tasks.append(
                Task(
                    # One task (its number in the words): hours are not things to do.
                    label=ngettext(
                        "%(count)s study hour (JP) still to complete this year",
                        "%(count)s study hours (JP) still to complete this year",
                        missing,
                    )
                    % {"count": missing},
                    url=reverse("training:my_training"),
                    due=wib(date(year, 12, 31), 23, 59),
                    detail=_("%(done)s of %(minimum)s JP done in %(year)s.")
                    % {"done": done, "minimum": rule.pns_min_jp, "year": year},
                )
            )
    return tasks
