"""The one place that decides who may see an application and its documents: its applicant, or
HR staff. Anyone else gets 404 (not 403), so ids reveal nothing."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.roles import Role, has_role
from recruitment.models import Application, Document


def may_see_all_applications(user) -> bool:
    return has_role(user, Role.HR)


def application_for_user(user, pk: int) -> Application:
    application = get_object_or_404(
        Application.objects.select_related(
            "period", "formation", "formation__position", "formation__position__unit", "applicant"
        ),
        pk=pk,
    )
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
    if document.application.applicant_id != user.pk and not may_see_all_applications(user):
        raise Http404
    return document
