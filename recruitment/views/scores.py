"""HR's scores pages: the score file import with its report, one application's scores, the
ranking, the merit list with its Excel export, and the optimisation of unfilled formations."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import Role, role_required
from core import exports
from core.paging import querystring_without
from core.uploads import upload_limit
from recruitment import exports as recruitment_exports
from recruitment.forms.scores import (
    ExamResultForm,
    MeritFilterForm,
    OfferDecisionForm,
    ScoreImportForm,
)
from recruitment.models import Announcement, ExamResult
from recruitment.selectors import hr as hr_selectors
from recruitment.selectors import ranking as selectors
from recruitment.services import ranking as ranking_services
from recruitment.services import scores as services

PAGE_SIZE = 50
ERRORS_SHOWN = services.MAX_STORED_ERRORS + 1  # the stored errors and their summary line


@role_required(Role.HR)
def scores_home(request, pk, import_form=None):
    period = hr_selectors.period_get(pk)
    context = {
        "period": period,
        "form": import_form or ScoreImportForm(period=period),
        "imports": selectors.score_imports(period)[:20],
        "counts": selectors.code_counts(period),
        "scores_open": selectors.scores_open(period),
        "reuse_requests": selectors.skd_reuse_requests(period),
    }
    return render(request, "recruitment/scores/home.html", context)


@role_required(Role.HR)
@require_POST
def skd_reuse_apply(request, pk):
    period = hr_selectors.period_get(pk)
    try:
        applied, refused = services.skd_reuse_apply(period=period, actor=request.user)
    except services.ScoreError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s previous SKD result has been carried over.",
                "%(count)s previous SKD results have been carried over.",
                applied,
            )
            % {"count": applied},
        )
        if refused:
            messages.warning(
                request,
                _(
                    "Not carried over (no previous SKD result that can be reused, or an SKD "
                    "result is recorded already): %(numbers)s"
                )
                % {"numbers": ", ".join(refused[:30])},
            )
    return redirect("recruitment:scores_home", period.pk)


@upload_limit(settings.IMPORT_MAX_FILE_BYTES)  # a bigger file is counted and dropped, not kept
@role_required(Role.HR)
@require_POST
def scores_import(request, pk):
    period = hr_selectors.period_get(pk)
    form = ScoreImportForm(request.POST, request.FILES, period=period)
    if not form.is_valid():
        return scores_home(request, pk, import_form=form)
    upload = form.cleaned_data["file"]
    try:
        score_import = services.score_import_create(
            period=period,
            kind=form.cleaned_data["kind"],
            file_name=upload.name,
            data=upload.read(),
            user=request.user,
        )
    except services.ScoreError as error:
        messages.error(request, str(error))
        return redirect("recruitment:scores_home", period.pk)
    return redirect("recruitment:scores_import_detail", score_import.pk)


@role_required(Role.HR)
def scores_import_detail(request, pk):
    score_import = selectors.score_import_get(pk)
    context = {
        "score_import": score_import,
        "period": score_import.period,
        "errors": score_import.errors[:ERRORS_SHOWN],
        "hidden_errors": max(0, len(score_import.errors) - ERRORS_SHOWN),
        "preview": score_import.rows[:20],
    }
    return render(request, "recruitment/scores/import_detail.html", context)


@role_required(Role.HR)
@require_POST
def scores_import_apply(request, pk):
    score_import = selectors.score_import_get(pk)
    try:
        count = services.score_import_apply(score_import=score_import, user=request.user)
    except services.ScoreError as error:
        messages.error(request, str(error))
        return redirect("recruitment:scores_import_detail", score_import.pk)
    messages.success(request, _("%(count)s rows of scores have been applied.") % {"count": count})
    return redirect("recruitment:scores_home", score_import.period_id)


@role_required(Role.HR)
def scores_edit(request, pk):
    application = selectors.application_get(pk)
    result = ExamResult.objects.filter(application=application).first()
    announced = services.announced_kinds(application.period) & {
        Announcement.Kind.SKD,
        Announcement.Kind.FINAL,
    }
    form = ExamResultForm(
        request.POST or None,
        initial=selectors.score_initial(result),
        application=application,
        reason_required=bool(announced),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.exam_result_update(
                application=application, actor=request.user, **form.service_kwargs()
            )
        except services.ScoreError as error:
            form.add_error(None, str(error))
        else:
            if announced:
                messages.success(
                    request,
                    _(
                        "The correction has been saved and the period ranked again; every code "
                        "it changed is logged as a correction."
                    ),
                )
            else:
                messages.success(
                    request, _("The scores have been saved. Compute the ranking again.")
                )
            return redirect("recruitment:scores_edit", application.pk)
    context = {"application": application, "result": result, "form": form, "announced": announced}
    return render(request, "recruitment/scores/edit.html", context)


@role_required(Role.HR)
@require_POST
def ranking_compute(request, pk):
    period = hr_selectors.period_get(pk)
    try:
        summary = ranking_services.rank_period(period=period, actor=request.user)
    except services.ScoreError as error:
        messages.error(request, str(error))
        return redirect("recruitment:scores_home", period.pk)
    counts = ", ".join(f"{code} {n}" for code, n in sorted(summary.final.items())) or "—"
    skd = ", ".join(f"{code} {n}" for code, n in sorted(summary.skd.items())) or "—"
    messages.success(
        request,
        _(
            "Ranking computed for %(total)s applications. SKD: %(skd)s. Final: %(final)s. "
            "%(skd_changed)s SKD codes and %(changed)s final codes changed (%(corrections)s "
            "applicants corrected after an announcement); %(unscored)s without scores yet."
        )
        % {
            "total": summary.total,
            "skd": skd,
            "final": counts,
            "skd_changed": summary.skd_changed,
            "changed": summary.changed,
            "corrections": summary.corrections,
            "unscored": summary.unscored,
        },
    )
    if summary.boundary_ties:
        messages.warning(
            request,
            ngettext(
                "%(count)s formation has a full tie at the quota boundary: applicants identical "
                "on every tie-break rule are ordered only by registration number. See the "
                "warning in the merit list and decide (optimisation or correction).",
                "%(count)s formations have a full tie at the quota boundary: applicants "
                "identical on every tie-break rule are ordered only by registration number. See "
                "the warnings in the merit list and decide (optimisation or correction).",
                len(summary.boundary_ties),
            )
            % {"count": len(summary.boundary_ties)},
        )
    return redirect("recruitment:merit_list", period.pk)


def _merit(request, period):
    """The filter form and the results; no results when a filter is invalid (the form shows
    why), never the unfiltered list in its place."""
    form = MeritFilterForm(
        request.GET or None,
        formations=selectors.period_formations(period),
        pppk=period.is_pppk,
    )
    filters = form.filters()
    if filters is None:
        return form, ExamResult.objects.none()
    return form, selectors.merit_list(period, **filters)


@role_required(Role.HR)
@require_GET
def merit_list(request, pk):
    period = hr_selectors.period_get(pk)
    form, results = _merit(request, period)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    ties = selectors.boundary_ties(period)
    for result in page:
        tie = ties.get(result.application.formation_id)
        result.tie_ranks = tie
        result.in_tie = result.boundary_tie
    context = {
        "period": period,
        "form": form,
        "page": page,
        "boundary_ties": len(ties),
        "querystring": querystring_without(request, "page"),
        "priority_words": period.priority_text() if period.is_pppk else "",
    }
    return render(request, "recruitment/scores/merit_list.html", context)


@role_required(Role.HR)
@require_GET
def merit_export(request, pk):
    period = hr_selectors.period_get(pk)
    form, results = _merit(request, period)
    if form.filters() is None:
        return redirect(
            f"{reverse('recruitment:merit_list', args=[period.pk])}?{request.GET.urlencode()}"
        )
    content = recruitment_exports.merit_workbook(period, results)
    return exports.response(content, f"peringkat-{period.pk}.xlsx")


@role_required(Role.HR)
@require_GET
def optimisation(request, pk):
    period = hr_selectors.period_get(pk)
    context = {"period": period, "offers": selectors.optimisation_offers(period)}
    return render(request, "recruitment/scores/optimisation.html", context)


@role_required(Role.HR)
@require_POST
def optimisation_propose(request, pk):
    period = hr_selectors.period_get(pk)
    try:
        offers = ranking_services.optimisation_propose(period=period)
    except services.ScoreError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("%(count)s new optimisation offers proposed.") % {"count": len(offers)}
        )
    return redirect("recruitment:optimisation", period.pk)


@role_required(Role.HR)
@require_POST
def optimisation_decide(request, pk):
    offer = selectors.offer_get(pk)
    form = OfferDecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    confirm = form.cleaned_data["decision"]
    try:
        ranking_services.optimisation_decide(offer=offer, confirm=confirm, actor=request.user)
    except services.ScoreError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Offer confirmed.") if confirm else _("Offer declined."))
    return redirect("recruitment:optimisation", offer.formation.period_id)
