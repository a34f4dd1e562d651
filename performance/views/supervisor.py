"""The supervisor's side: the team, drafting SKPs, evaluating, recording coaching follow-ups.
Only the employee's own supervisor (Employee.supervisor.user): anyone else gets 404."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.roles import Role, role_required
from performance import access
from performance.forms import FollowUpForm, ReviewForm, SkpForm
from performance.models import Checkpoint, Predikat, Review, Skp
from performance.selectors import reviews as selectors
from performance.services import coaching as coaching_services
from performance.services import reviews as services
from performance.services.cycles import cycle_ensure
from performance.services.skps import SkpError, skp_save


@role_required(Role.SUPERVISOR)
@never_cache
def team(request):
    cycle = selectors.cycle_current(timezone.localdate().year)
    context = {
        "cycle": cycle,
        "members": selectors.team_members(request.user, cycle),
        "checkpoints": selectors.checkpoints(cycle).select_related("cycle"),
    }
    return render(request, "performance/team.html", context)


@role_required(Role.SUPERVISOR)
def skp_edit(request, employee_pk, year):
    employee = access.team_member(request.user, employee_pk)
    skp = Skp.objects.filter(employee=employee, cycle__year=year).first()
    form = SkpForm(request.POST or None, initial=SkpForm.initial_for(skp))
    if request.method == "POST" and form.is_valid():
        try:
            skp = skp_save(
                employee=employee,
                cycle=cycle_ensure(year=year),
                indicators=form.cleaned_data["indicators"],
                user=request.user,
            )
        except SkpError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The SKP draft has been saved; the employee can now agree to it.")
            )
            return redirect(skp)
    return render(
        request,
        "performance/skp_form.html",
        {"employee": employee, "year": year, "form": form, "skp": skp},
    )


@role_required(Role.SUPERVISOR)
def review_edit(request, skp_pk, checkpoint_pk):
    skp = access.skp_of_team(request.user, skp_pk)
    checkpoint = get_object_or_404(
        Checkpoint.objects.select_related("cycle"), pk=checkpoint_pk, cycle=skp.cycle
    )
    review = Review.objects.filter(skp=skp, checkpoint=checkpoint).first()
    if review is not None and review.is_final:
        messages.info(
            request, _("This review has been finalised; it changes only by a correction.")
        )
        return redirect(review)
    form = ReviewForm(
        request.POST or None,
        indicators=skp.indicators.all(),
        values=selectors.behaviour_values(),
        review=review,
    )
    if request.method == "POST" and form.is_valid():
        # Finalising goes through the preview: the draft is saved (what was typed is kept) and
        # the supervisor sees the predikat before confirming. Nothing is final until then.
        preview = "preview" in request.POST or "finalise" in request.POST
        try:
            review = services.review_save(
                skp=skp, checkpoint=checkpoint, data=form.review_input(), user=request.user
            )
            if preview:
                services.review_preview(review=review)
        except services.ReviewError as error:
            form.add_error(None, str(error))
        else:
            if preview:
                return redirect("performance:review_confirm", skp.pk, checkpoint.pk)
            messages.success(request, _("The draft review has been saved."))
            return redirect("performance:review_edit", skp.pk, checkpoint.pk)
    context = {"skp": skp, "checkpoint": checkpoint, "form": form, "review": review}
    return render(request, "performance/review_form.html", context)


@role_required(Role.SUPERVISOR)
def review_confirm(request, skp_pk, checkpoint_pk):
    """The predikat the saved draft gets, and the button that finalises and shares it."""
    skp = access.skp_of_team(request.user, skp_pk)
    review = get_object_or_404(
        Review.objects.select_related("checkpoint__cycle"), skp=skp, checkpoint_id=checkpoint_pk
    )
    if review.is_final:
        return redirect(review)
    edit_url = reverse("performance:review_edit", args=[skp.pk, checkpoint_pk])
    try:
        predikat = services.review_preview(review=review)
        if request.method == "POST":
            version = int(request.POST.get("version") or 0)
            review = services.review_finalise(review=review, user=request.user, version=version)
            messages.success(request, _("The review is final and shared with the employee."))
            return redirect(review)
    except services.ReviewError as error:
        messages.error(request, str(error))
        return redirect(request.path if request.method == "POST" else edit_url)
    context = {
        "skp": skp,
        "review": review,
        "predikat": Predikat(predikat),
        "version": services.review_version(review),
        "edit_url": edit_url,
        **selectors.review_parts(review),
    }
    return render(request, "performance/review_confirm.html", context)


@role_required(Role.SUPERVISOR, Role.HR)
@require_POST
def followup_record(request, pk):
    follow_up = access.followup_for_coach(request.user, pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            coaching_services.coaching_followup_record(
                follow_up=follow_up, note=form.cleaned_data["note"], user=request.user
            )
        except coaching_services.CoachingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The follow-up has been recorded."))
    else:
        messages.error(request, _("Say what was discussed or agreed."))
    return redirect(follow_up.plan)
