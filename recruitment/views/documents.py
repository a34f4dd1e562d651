"""The applicant uploads documents slot by slot; the applicant and HR download them.

Uploads work as a plain multipart form (redirect back with a message) and, for uploads.js, answer
the re-rendered slot as a fragment. Downloads stream from private storage, never from a URL the
web server knows."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from core.audit import log_access
from core.uploads import limit_upload
from recruitment.access import document_for_user, own_application
from recruitment.models import DocumentRequirement
from recruitment.selectors.documents import document_slot, upload_max_bytes
from recruitment.services import documents as services
from recruitment.services.applications import ApplicationError


@login_required
@csrf_exempt  # checked by _document_upload, after the size limit is in place (see Django docs)
@require_http_methods(["GET", "POST"])
def document_upload(request, pk, slug):
    application = own_application(request.user, pk)
    requirement = get_object_or_404(DocumentRequirement, period_id=application.period_id, slug=slug)
    # Must happen before anything reads request.POST or request.FILES (the CSRF check does).
    limit_upload(request, upload_max_bytes(requirement))
    return _document_upload(request, application, requirement)


@csrf_protect
def _document_upload(request, application, requirement):
    if request.method == "GET":
        slot = document_slot(application, requirement)
        context = {"application": application, "slot": slot}
        return render(request, "recruitment/document_upload.html", context)
    ok, feedback = False, _("Choose a file to upload.")
    uploaded = request.FILES.get("file")
    if uploaded is not None:
        try:
            document = services.document_upload(
                application=application,
                requirement=requirement,
                uploaded_file=uploaded,
                user=request.user,
            )
        except ApplicationError as refusal:
            feedback = str(refusal)
        else:
            ok = True
            saved = _("Version %(version)s of “%(slot)s” has been saved.") % {
                "version": document.version,
                "slot": requirement.label,
            }
            feedback = f"{saved} {document.upload_summary}".strip()
    if _wants_fragment(request):
        return _slot_fragment(request, application, requirement, feedback, ok)
    (messages.success if ok else messages.error)(request, feedback)
    return redirect(application)


def _wants_fragment(request) -> bool:
    return bool(request.htmx) or request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _slot_fragment(request, application, requirement, feedback, ok):
    context = {
        "application": application,
        "slot": document_slot(application, requirement),
        "feedback": feedback,
        "feedback_ok": ok,
    }
    response = render(
        request, "recruitment/_document_slot.html", context, status=200 if ok else 422
    )
    response["X-Upload-Fragment"] = "1"  # uploads.js swaps only answers that carry this
    return response


@login_required
@require_GET
def document_download(request, pk):
    document = document_for_user(request.user, pk)
    try:
        stream = services.document_open(document)
    except FileNotFoundError:
        raise Http404 from None
    log_access(document, request)  # who read whose documents: UU PDP breach readiness
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=services.document_filename(document),
        content_type=services.document_content_type(document),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
