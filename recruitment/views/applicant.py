from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.pagecache import pinned, rendered_part
from recruitment import access
from recruitment.cache import APPLICATIONS, application_label
from recruitment.forms.applicant import (
    PRIORITY_GROUP_VERIFIED,
    ApplicantProfileForm,
    ApplyForm,
    FinaliseForm,
    PriorityGroupForm,
    WithdrawForm,
)
from recruitment.models import ApplicantProfile, PriorityGroup
from recruitment.rules import period_announcements
from recruitment.selectors import vacancies as selectors
from recruitment.selectors.announcements import appeal_window_open, applicant_selection
from recruitment.selectors.documents import document_slots, missing_from
from recruitment.selectors.status import application_status, applications_overview
from recruitment.services import applications as services
from recruitment.services import scores as score_services
from recruitment.services.profiles import applicant_profile_save, profile_is_locked
from recruitment.views import public


@login_required
def profile(request):
    instance = ApplicantProfile.objects.filter(user=request.user).first()
    instance = instance or ApplicantProfile(user=request.user)
    form = ApplicantProfileForm(request.POST or None, instance=instance)
    locked = profile_is_locked(request.user)
    if request.method == "POST" and not locked and form.is_valid():
        try:
            applicant_profile_save(profile=form.instance)
        except services.ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your applicant profile has been saved."))
            next_url = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                next_url = "recruitment:application_list"
            return redirect(next_url)
    return render(request, "recruitment/profile_form.html", {"form": form, "locked": locked})


@login_required
@require_POST
def apply(request, pk):
    formation = selectors.vacancy_get(pk)
    form = ApplyForm(request.POST, period=formation.period)
    if form.is_valid():
        try:
            application = services.application_start(
                user=request.user,
                formation=formation,
                consent_given=True,
                priority_group=form.cleaned_priority_group(),
            )
        except services.ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Your draft application is open. Upload your documents next.")
            )
            _say_priority_group_is_checked(request, application)
            return redirect(application.get_absolute_url())
    # The page again with the form as sent: the box ticked and the group chosen stay.
    return public.render_vacancy(request, formation, form)


def _say_priority_group_is_checked(request, application) -> None:
    if application.declared_priority_group != PriorityGroup.UMUM:
        messages.info(request, str(PRIORITY_GROUP_VERIFIED))


@login_required
@require_http_methods(["GET", "POST"])
def application_priority_group(request, pk):
    """A PPPK draft's priority group, declared again by its applicant before finalising."""
    application = access.own_application(request.user, pk)
    refusal = services.priority_group_declare_refusal(application)  # CPNS: none to declare
    form = PriorityGroupForm(request.POST or None, application=application)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            services.application_priority_group_declare(
                application=application,
                user=request.user,
                priority_group=form.cleaned_data["priority_group"],
            )
        except services.ApplicationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your priority group has been saved."))
            _say_priority_group_is_checked(request, application)
            return redirect(application.get_absolute_url())
    context = {"application": application, "form": form, "refusal": refusal}
    return render(request, "recruitment/application_priority_group.html", context)


@login_required
def application_list(request):
    """The applicant's own page: each application with its status, the next step and the time
    left (rendered for each request: the time left changes by the minute)."""
    context = {"rows": applications_overview(request.user)}
    return render(request, "recruitment/application_list.html", context)


@login_required
def application_detail(request, pk):
    # Kept until this application's rows, or what every application page shows (its period,
    # formation, announcements, exam results...), change; and per window that is open now.
    # The generations are read before the rows (see pinned).
    labels = (application_label(pk), APPLICATIONS, "workforce")
    generations = pinned(labels)
    application = access.application_for_user(request.user, pk)
    is_owner = application.applicant_id == request.user.pk
    registration_open = application.period.is_registration_open()
    submitted = application.status == application.Status.SUBMITTED
    # The period's announcements (kept in the cache), read once for the key and the part: a
    # draft shows no result.
    announcements = (
        None
        if application.status == application.Status.DRAFT
        else period_announcements(application.period_id)
    )

    def context():
        slots = document_slots(application)
        missing = missing_from(slots)
        selection = (
            applicant_selection(application, announcements=announcements) if submitted else None
        )
        context = {
            "application": application,
            "events": application.events.all(),  # the timeline shows no actor
            "slots": slots,
            "missing": missing,
            "is_owner": is_owner,
            "registration_open": registration_open,
            "finalise_form": FinaliseForm(),
            "withdraw_form": WithdrawForm(),
            "announcements": announcements,
            "selection": selection,
            "status": application_status(
                application,
                announcements=announcements,
                checks=selection.checks if selection else None,
                missing=missing,
            ),
            # Once nothing can change, the documents fold away under one line.
            "documents_locked": not any(slot.editable for slot in slots),
            "sent": sum(1 for slot in slots if slot.current is not None),
        }
        if submitted and is_owner and application.period.skd_reuse_allowed:
            context["skd_reuse"] = score_services.skd_reuse_source(application)
        return context

    body = rendered_part(
        request,
        "application",
        labels,
        "recruitment/_application_detail_body.html",
        context,
        vary=(
            f"owner={request.user.pk}" if is_owner else "reader",
            f"registration-open={registration_open}",
            "appeal-open="
            + str(submitted and appeal_window_open(application, announcements=announcements)),
        ),
        query=False,
        generations=generations,
    )
    context = {"application": application, "body": body}
    return render(request, "recruitment/application_detail.html", context)


@login_required
@require_POST
def application_skd_reuse(request, pk):
    application = access.own_application(request.user, pk)
    reuse = request.POST.get("reuse") == "1"
    try:
        score_services.skd_reuse_request(application=application, user=request.user, reuse=reuse)
    except score_services.ScoreError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Your previous SKD result will be used: you do not sit the SKD again.")
            if reuse
            else _("You will sit the SKD: your previous result will not be used."),
        )
    return redirect(application.get_absolute_url())


@login_required
@require_POST
def application_finalise(request, pk):
    application = access.own_application(request.user, pk)
    form = FinaliseForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect(application.get_absolute_url())
    try:
        services.application_finalise(application=application, user=request.user)
    except services.ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your registration is complete. Download your card below."))
    return redirect(application.get_absolute_url())


@login_required
@require_POST
def application_withdraw(request, pk):
    application = access.own_application(request.user, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect(application.get_absolute_url())
    try:
        withdrawn = services.application_withdraw(
            application=application, user=request.user, reason=form.cleaned_data["reason"]
        )
    except services.ApplicationError as exc:
        messages.error(request, str(exc))
        return redirect(application.get_absolute_url())
    if withdrawn is None:
        messages.success(request, _("Your draft has been discarded. You may choose again."))
        return redirect("recruitment:vacancy_list")
    messages.success(request, _("Your application has been withdrawn."))
    return redirect(application.get_absolute_url())
