"""Who is in a supervisor's team: the one definition every app uses (performance reviews,
training requests and recommendations, the Today page).

A team is the supervisor's direct reports (``Employee.supervisor``) who are active. People on
leave, transferred out, retired or whose appointment was cancelled are not written reviews or
sent to training by this supervisor, so they are not counted in the team.
"""

from django.db.models import Q, QuerySet

from workforce.models import Employee

TEAM_STATUSES = (Employee.Status.ACTIVE,)


def team_q(prefix: str = "") -> Q:
    """The team rule as a filter on a relation (``prefix="skp__employee__"``), for queries that
    start from another model; the supervisor part is added by the caller."""
    return Q(**{f"{prefix}status__in": TEAM_STATUSES})


def team_members(supervisor: Employee | None = None, *, user=None) -> QuerySet[Employee]:
    """The active direct reports of ``supervisor`` (an Employee), or of the employee whose user
    account is ``user``, in name order, with their position and unit joined.

    One query, whatever the team's size. An empty queryset when neither is given.
    """
    employees = Employee.objects.filter(team_q())
    if supervisor is not None:
        employees = employees.filter(supervisor=supervisor)
    elif user is not None and getattr(user, "is_authenticated", False):
        employees = employees.filter(supervisor__user=user)
    else:
        return Employee.objects.none()
    return employees.select_related("position__unit", "user").order_by("full_name", "pk")
