"""The employee's side: their page (SKPs, reviews, pending reminders, coaching), agreeing to
the SKP, acknowledging or objecting to a review. Shared detail pages of SKPs, reviews and
coaching plans (the employee, their supervisors, HR)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.roles import Role, role_required
from performance import access
from performance.forms import FollowUpForm, ObjectionForm
from performance.selectors import reviews as selectors
from performance.selectors import today as today_tasks
from performance.selectors.reminders import Kind, reminders_pending_for
from performance.services import reviews as services
from performance.services.skps import SkpError, skp_agree
from workforce.models import Employee


@role_required(Role.EMPLOYEE, Role.SUPERVISOR)
@never_cache
def mine(request):
    employee = Employee.objects.filter(user=request.user).first()
    today = timezone.localdate()
    context = {
        "employee": employee,
        "skps": selectors.my_skps(employee) if employee else [],
        "coaching_plans": selectors.my_coaching(employee) if employee else [],
        # What only this person can do now (confirm a review, agree to an SKP), then the
        # reminders of what falls due; the same tasks as on their Today page.
        "tasks": today_tasks.today_reviews_to_confirm(request.user)
        + today_tasks.today_skps_to_agree(request.user),
        "reminders": _without_tasks(reminders_pending_for(request.user, today), employee),
        "today": today,
    }
    return render(request, "performance/mine.html", context)


def _without_tasks(reminders, employee):
    """The reminders to acknowledge one's review or agree to one's own SKP are already tasks."""
    own_skp = f":{employee.pk}" if employee else None
    return [
        r
        for r in reminders
        if r.kind != Kind.ACK_PENDING
        and not (r.kind == Kind.SKP_DUE and own_skp and r.object_key.endswith(own_skp))
    ]


@role_required(Role.EMPLOYEE, Role.SUPERVISOR, Role.HR)
@never_cache
def skp_detail(request, pk):
    skp = access.skp_for_user(request.user, pk)
    context = {
        "skp": skp,
        "indicators": skp.indicators.all(),
        "reviews": skp.reviews.select_related("checkpoint__cycle"),
        "checkpoints": selectors.checkpoints(skp.cycle).select_related("cycle"),
        "is_own": skp.employee.user_id == request.user.pk,
        "is_supervisor": bool(
            skp.employee.supervisor and skp.employee.supervisor.user_id == request.user.pk
        ),
    }
    return render(request, "performance/skp_detail.html", context)


@role_required(Role.EMPLOYEE)
@require_POST
def skp_agree_view(request, pk):
    skp = access.own_skp(request.user, pk)
    try:
        skp_agree(skp=skp, user=request.user)
    except SkpError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You have agreed to the SKP."))
    return redirect(skp)


@role_required(Role.EMPLOYEE, Role.SUPERVISOR, Role.HR)
@never_cache
def review_detail(request, pk):
    review = access.review_for_user(request.user, pk)
    context = {
        "review": review,
        **selectors.review_parts(review),
        "is_own": review.skp.employee.user_id == request.user.pk,
        "may_resolve": access.may_resolve(request.user, review),
        "may_correct": access.is_hr(request.user) and review.is_final,
        "today": timezone.localdate(),
    }
    return render(request, "performance/review_detail.html", context)


@role_required(Role.EMPLOYEE)
@require_POST
def review_acknowledge(request, pk):
    review = access.own_review(request.user, pk)
    try:
        services.review_acknowledge(review=review, user=request.user)
    except services.ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You have acknowledged the review."))
    return redirect(review)


@role_required(Role.EMPLOYEE)
def objection_file(request, pk):
    review = access.own_review(request.user, pk)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_file(
                review=review, reasons=form.cleaned_data["reasons"], user=request.user
            )
        except services.ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your objection has been filed."))
            return redirect(review)
    return render(request, "performance/objection_form.html", {"review": review, "form": form})


@role_required(Role.EMPLOYEE, Role.SUPERVISOR, Role.HR)
@never_cache
def coaching_detail(request, pk):
    plan = access.coaching_for_user(request.user, pk)
    supervisor = plan.employee.supervisor
    context = {
        "plan": plan,
        "follow_ups": plan.follow_ups.all(),
        "may_coach": access.is_hr(request.user)
        or bool(supervisor and supervisor.user_id == request.user.pk),
        "form": FollowUpForm(),
    }
    return render(request, "performance/coaching_detail.html", context)
