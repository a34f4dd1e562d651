"""Objections, resolved by the evaluator's own supervisor or HR, and HR's logged corrections."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.roles import Role, role_required
from performance import access
from performance.forms import RatingsForm
from performance.models import Objection, Review
from performance.selectors import reviews as selectors
from performance.services import reviews as services


@role_required(Role.SUPERVISOR, Role.HR)
def objection_list(request):
    objections = selectors.objections_to_resolve(request.user, is_hr=access.is_hr(request.user))
    page = Paginator(objections, 50).get_page(request.GET.get("page"))
    return render(request, "performance/objection_list.html", {"page": page})


@role_required(Role.SUPERVISOR, Role.HR)
def objection_resolve(request, pk):
    review = access.review_for_resolver(request.user, pk)
    objection = Objection.objects.filter(review=review, outcome=Objection.Outcome.OPEN).first()
    if objection is None:
        messages.info(request, _("There is no open objection to this review."))
        return redirect(review)
    buttons = [
        ("uphold", _("Uphold with these ratings"), "btn-primary me-2"),
        ("reject", _("Reject the objection"), "btn-outline-danger"),
    ]
    form = RatingsForm(request.POST or None, review=review, buttons=buttons)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.objection_resolve(
                objection=objection,
                uphold="uphold" in request.POST,
                resolution=data["reason"],
                user=request.user,
                hasil_kerja=data["hasil_kerja"],
                perilaku=data["perilaku"],
            )
        except services.ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The objection has been resolved."))
            return redirect(review)
    context = {"review": review, "objection": objection, "form": form}
    return render(request, "performance/objection_resolve.html", context)


@role_required(Role.HR)
def review_correct(request, pk):
    review = access.review_for_user(request.user, pk)
    if review.status == Review.Status.DRAFT:
        messages.error(request, _("A draft is changed by its evaluator, not corrected."))
        return redirect(review)
    form = RatingsForm(
        request.POST or None,
        review=review,
        buttons=[("correct", _("Save the correction"), "btn-primary")],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.review_correct(
                review=review,
                hasil_kerja=data["hasil_kerja"],
                perilaku=data["perilaku"],
                reason=data["reason"],
                user=request.user,
            )
        except services.ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The correction has been saved and logged."))
            return redirect(review)
    return render(request, "performance/review_correct.html", {"review": review, "form": form})
