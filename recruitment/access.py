"""The one place that decides who may see an application and its documents: its applicant, HR
staff, or a verifier assigned to the application's period (submitted applications only). Anyone
else gets 404 (not 403), so ids reveal nothing."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.roles import Role, has_role
from recruitment.models import Application, Document, PeriodAssignment, SelectionPeriod


def may_see_all_applications(user) -> bool:
    return has_role(user, Role.HR)


def period_duties(user, period_id: int) -> frozenset[str]:
    """The screening duties the user holds in a period (verifier, confirmer). Only people who
    still hold the verifier role count: removing the role ends their access everywhere."""
    if not has_role(user, Role.VERIFIER):
        return frozenset()
    cache = user.__dict__.setdefault("_period_duties", {})
    if period_id not in cache:
        cache[period_id] = frozenset(
            PeriodAssignment.objects.filter(period_id=period_id, user=user).values_list(
                "duty", flat=True
            )
        )
    return cache[period_id]


def may_screen_period(user, period_id: int) -> bool:
    """HR and administrators screen every period; a verifier the periods assigned to them."""
    return may_see_all_applications(user) or bool(period_duties(user, period_id))


def _screener_sees(user, application: Application) -> bool:
    return application.status == Application.Status.SUBMITTED and bool(
        period_duties(user, application.period_id)
    )


def application_for_user(user, pk: int) -> Application:
    application = get_object_or_404(
        Application.objects.select_related(
            "period", "formation", "formation__position", "formation__position__unit", "applicant"
        ),
        pk=pk,
    )
    if (
        application.applicant_id != user.pk
        and not may_see_all_applications(user)
        and not _screener_sees(user, application)
    ):
        raise Http404
    return application


def application_for_owner_or_hr(user, pk: int) -> Application:
    """For what only concerns the applicant and the committee's office (the exam card): the
    applicant or HR staff. A verifier screens documents; they have no use for the card, which
    carries the applicant's identity and exam place, so they get 404 like anyone else."""
    application = application_for_user(user, pk)
    if application.applicant_id != user.pk and not may_see_all_applications(user):
        raise Http404
    return application


def own_application(user, pk: int) -> Application:
    """For actions only the applicant may take (upload, finalise, withdraw): HR gets 404 too."""
    application = application_for_user(user, pk)
    if application.applicant_id != user.pk:
        raise Http404
    return application


def document_for_user(user, pk: int) -> Document:
    document = get_object_or_404(
        Document.objects.select_related("application", "requirement"), pk=pk
    )
    if (
        document.application.applicant_id != user.pk
        and not may_see_all_applications(user)
        and not _screener_sees(user, document.application)
    ):
        raise Http404
    return document


# --- screening (recruitment/views/screening.py) ----------------------------------------------


def screening_period_for_user(user, pk: int) -> SelectionPeriod:
    period = get_object_or_404(SelectionPeriod, pk=pk)
    if not may_screen_period(user, period.pk):
        raise Http404
    return period


def screening_application_for_user(user, pk: int) -> Application:
    """A submitted application of a period the user screens; drafts and withdrawn ones are
    never screened, so they are 404 here even for HR."""
    application = get_object_or_404(
        Application.objects.select_related(
            "period",
            "formation",
            "formation__position",
            "formation__position__unit",
            "applicant",
            "applicant__applicant_profile",
            "screened_by",
            "confirmed_by",
        ),
        pk=pk,
        status=Application.Status.SUBMITTED,
    )
    if not may_screen_period(user, application.period_id):
        raise Http404
    return application


def may_edit_screening(user, period_id: int) -> bool:
    """Check documents and re-check them during appeals: HR or the period's verifiers."""
    duties = period_duties(user, period_id)
    return may_see_all_applications(user) or PeriodAssignment.Duty.VERIFIER in duties


def may_second_check(user, period_id: int) -> bool:
    """Confirm or send back a screening: HR or the period's second checkers."""
    duties = period_duties(user, period_id)
    return may_see_all_applications(user) or PeriodAssignment.Duty.CONFIRMER in duties


def may_correct(user) -> bool:
    """An explicit correction after the announcement is HR's alone."""
    return has_role(user, Role.HR)
