"""Fixtures for the selection stages after registration: a closed period with finalised,
screened applications, their uploaded documents and document checks."""

import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from recruitment.models import (
    AdminResult,
    Application,
    Document,
    DocumentCheck,
    ExamSession,
    RejectionReason,
)
from tests.factories import ApplicationFactory, FormationFactory, SelectionPeriodFactory

WIB = ZoneInfo("Asia/Jakarta")


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def closed_period(**kwargs):
    """Registration ran 1-20 September 2026 (WIB) and is closed."""
    kwargs.setdefault("registration_opens_at", wib(2026, 9, 1, 8, 0))
    kwargs.setdefault("registration_closes_at", wib(2026, 9, 20, 23, 59))
    kwargs.setdefault("registration_closed", True)
    return SelectionPeriodFactory(**kwargs)


def reason():
    return RejectionReason.objects.order_by("order").first()


def screened_application(formation, *, result=AdminResult.MS, tms=(), uploaded=True, **kwargs):
    """A finalised application whose required documents are uploaded (unless `uploaded` is
    False) and checked: MS, or TMS for the slugs in `tms` (the first required one when `result`
    is TMS and `tms` is empty)."""
    application = ApplicationFactory(
        formation=formation, status=Application.Status.SUBMITTED, **kwargs
    )
    application.registration_number = f"RKP-2026-{application.pk:06d}"
    application.submitted_at = timezone.now() - timedelta(days=60)
    requirements = list(formation.required_documents.order_by("order"))
    if result == AdminResult.TMS and not tms:
        tms = (requirements[0].slug,)
    for requirement in requirements:
        document = None
        if uploaded:
            token = secrets.token_hex(16)
            document = Document.objects.create(
                application=application,
                requirement=requirement,
                version=1,
                token=token,
                extension="pdf",
                file=f"applications/{application.pk}/{token}.pdf",
                original_name="scan.pdf",
                content_type="application/pdf",
                size=1000,
                sha256="0" * 64,
            )
        is_tms = requirement.slug in tms
        DocumentCheck.objects.create(
            application=application,
            requirement=requirement,
            document=document,
            result=AdminResult.TMS if is_tms else AdminResult.MS,
            reason=reason() if is_tms else None,
            note="Scan unreadable" if is_tms else "",
        )
    application.admin_result = AdminResult.TMS if tms else AdminResult.MS
    application.screened_at = timezone.now() - timedelta(days=20)
    application.save()
    return application


def formation_in(period, **kwargs):
    return FormationFactory(period=period, **kwargs)


def exam_session(period, **kwargs):
    kwargs.setdefault("name", "Sesi 1")
    kwargs.setdefault("location", "Aula Kantor Kecamatan Rakumpit")
    kwargs.setdefault("date", timezone.localdate() + timedelta(days=30))
    kwargs.setdefault("starts_at", "08:00")
    kwargs.setdefault("ends_at", "09:40")
    kwargs.setdefault("capacity", 10)
    return ExamSession.objects.create(period=period, **kwargs)
