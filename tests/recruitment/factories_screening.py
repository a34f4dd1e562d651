"""Helpers for the screening tests: finalised applications with uploaded documents, and
screening assignments."""

import itertools
from datetime import timedelta

from django.utils import timezone

from recruitment.models import (
    Announcement,
    Application,
    Document,
    PeriodAssignment,
    RejectionReason,
)
from tests.factories import ApplicationFactory

_numbers = itertools.count(1)


def submitted_application(formation=None, *, with_documents=True, **kwargs) -> Application:
    """A finalised application whose required documents are uploaded (without real files)."""
    if formation is not None:
        kwargs["formation"] = formation
    n = next(_numbers)
    application = ApplicationFactory(
        status=Application.Status.SUBMITTED,
        registration_number=f"RK-SCR-{n:06d}",
        submitted_at=timezone.now() - timedelta(days=1),
        **kwargs,
    )
    if with_documents:
        for requirement in application.formation.required_documents.all():
            token = f"t{application.pk}x{requirement.pk}"
            Document.objects.create(
                application=application,
                requirement=requirement,
                version=1,
                token=token,
                extension=requirement.file_format,
                file=f"applications/{application.pk}/{token}.{requirement.file_format}",
                original_name=f"{requirement.slug}.{requirement.file_format}",
                content_type="application/pdf",
                size=1000,
                sha256="0" * 64,
            )
    return application


def assign(period, user, duty=PeriodAssignment.Duty.VERIFIER) -> PeriodAssignment:
    return PeriodAssignment.objects.create(period=period, user=user, duty=duty)


def reason(code="tidak-terbaca") -> RejectionReason:
    """A reference reason. Created by a data migration, but a transactional test earlier in the
    same worker flushes the tables: ensure the rows as the service does."""
    from recruitment.services.periods import rejection_reasons_ensure

    rejection_reasons_ensure()
    return RejectionReason.objects.get(code=code)


def announce(period, *, at=None) -> Announcement:
    return Announcement.objects.create(
        period=period, kind=Announcement.Kind.ADMIN, published_at=at or timezone.now()
    )
