import itertools
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from recruitment.models import Announcement, Application, Document, ExamResult
from tests.factories import ApplicantProfileFactory, ApplicationFactory

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    """Uploads go to a temporary folder, so tests can check files appear and disappear."""
    root = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root, "base_url": None},
        },
    }
    return root


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
    with translation.override("en"):
        yield


def add_document(application, slug="ijazah", content=b"%PDF-1.4 secret", version=1):
    requirement = application.period.document_requirements.get(slug=slug)
    n = next(_numbers)
    if version > 1:
        application.documents.filter(requirement=requirement).update(is_current=False)
    return Document.objects.create(
        application=application,
        requirement=requirement,
        version=version,
        token=f"tok{application.pk}x{n}",
        extension="pdf",
        file=ContentFile(content, name="x.pdf"),
        original_name=f"{slug}.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256="0" * 64,
    )


def submitted(user=None, *, formation=None, **kwargs) -> Application:
    """A finalised application with its NIK copied, like recruitment's finalisation does."""
    if user is None:
        user = ApplicantProfileFactory().user
    elif not hasattr(user, "applicant_profile"):
        ApplicantProfileFactory(user=user)
    if formation is not None:
        kwargs["formation"] = formation
    n = next(_numbers)
    return ApplicationFactory(
        applicant=user,
        status=Application.Status.SUBMITTED,
        registration_number=f"RK-PRIV-{n:06d}",
        submitted_at=timezone.now() - timedelta(days=1),
        applicant_nik=user.applicant_profile.nik,
        **kwargs,
    )


def draft(user, **kwargs) -> Application:
    if not hasattr(user, "applicant_profile"):
        ApplicantProfileFactory(user=user)
    return ApplicationFactory(applicant=user, **kwargs)


def finalise_period(period, *, days_ago: int) -> Announcement:
    return Announcement.objects.create(
        period=period,
        kind=Announcement.Kind.FINAL,
        published_at=timezone.now() - timedelta(days=days_ago),
    )


def result(application, code) -> ExamResult:
    return ExamResult.objects.create(application=application, final_code=code)
