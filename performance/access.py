"""The one place that decides who may see or act on an SKP, a review or a coaching plan.

- the employee sees their own;
- their supervisor (Employee.supervisor.user) sees and evaluates them;
- the supervisor's own supervisor sees them and resolves objections;
- HR sees everything and resolves objections.
Anyone else gets 404 (not 403), so ids reveal nothing."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.roles import Role, has_role
from performance.models import CoachingFollowUp, CoachingPlan, Review, Skp
from workforce.models import Employee
from workforce.selectors import teams


def is_hr(user) -> bool:
    return has_role(user, Role.HR)


def _chain_q(user, prefix: str) -> Q:
    """The user is the employee, their supervisor or their supervisor's supervisor."""
    return (
        Q(**{f"{prefix}user": user})
        | Q(**{f"{prefix}supervisor__user": user})
        | Q(**{f"{prefix}supervisor__supervisor__user": user})
    )


def _visible(queryset, user, prefix):
    return queryset if is_hr(user) else queryset.filter(_chain_q(user, prefix))


SKP_RELATED = ("employee__user", "employee__supervisor__user", "employee__position__unit", "cycle")
REVIEW_RELATED = (
    "skp__employee__user",
    "skp__employee__supervisor__user",
    "skp__employee__supervisor__supervisor__user",
    "skp__employee__position__unit",
    "checkpoint__cycle",
    "evaluator",
)


def skp_for_user(user, pk: int) -> Skp:
    return get_object_or_404(
        _visible(Skp.objects.select_related(*SKP_RELATED), user, "employee__"), pk=pk
    )


def own_skp(user, pk: int) -> Skp:
    """Only the employee (HR and supervisors get 404): agreeing is theirs alone."""
    return get_object_or_404(Skp.objects.select_related(*SKP_RELATED), pk=pk, employee__user=user)


def team_member(user, employee_pk: int) -> Employee:
    """A member of this user's team (workforce.selectors.teams); anyone else's 404."""
    return get_object_or_404(teams.team_members(user=user), pk=employee_pk)


def skp_of_team(user, pk: int) -> Skp:
    return get_object_or_404(
        Skp.objects.select_related(*SKP_RELATED), pk=pk, employee__supervisor__user=user
    )


def review_for_user(user, pk: int) -> Review:
    queryset = _visible(Review.objects.select_related(*REVIEW_RELATED), user, "skp__employee__")
    return get_object_or_404(queryset, pk=pk)


def own_review(user, pk: int) -> Review:
    return get_object_or_404(
        Review.objects.select_related(*REVIEW_RELATED), pk=pk, skp__employee__user=user
    )


def may_resolve(user, review: Review) -> bool:
    second = review.skp.employee.supervisor and review.skp.employee.supervisor.supervisor
    return is_hr(user) or bool(second and second.user_id == user.pk)


def review_for_resolver(user, pk: int) -> Review:
    """HR, or the evaluator's own supervisor; the evaluator and the employee get 404."""
    review = get_object_or_404(Review.objects.select_related(*REVIEW_RELATED), pk=pk)
    if not may_resolve(user, review):
        raise Http404
    return review


def coaching_for_user(user, pk: int) -> CoachingPlan:
    queryset = _visible(
        CoachingPlan.objects.select_related(
            "employee__user", "employee__supervisor__user", "review__checkpoint__cycle"
        ),
        user,
        "employee__",
    )
    return get_object_or_404(queryset, pk=pk)


def followup_for_coach(user, pk: int) -> CoachingFollowUp:
    """The employee's supervisor or HR records a follow-up."""
    queryset = CoachingFollowUp.objects.select_related("plan")
    if not is_hr(user):
        queryset = queryset.filter(plan__employee__supervisor__user=user)
    return get_object_or_404(queryset, pk=pk)
