"""Reads for the documents an applicant prints (the registration card and the exam participant
card) and for the public page that checks them."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from core.pdf import PHOTO_MAX_BYTES
from recruitment.models import Announcement, Application, Document, ExamSession
from recruitment.selectors.announcements import exam_card_problem

# The slot whose current upload is the photo printed on both cards (recruitment/defaults.py).
PHOTO_SLUG = "pas-foto"


def card_photo(application: Application) -> bytes | None:
    """The current pas foto's bytes, or None when there is none (or its file is missing: the
    card is still printed, with an empty photo box)."""
    document = (
        Document.objects.filter(
            application_id=application.pk, requirement__slug=PHOTO_SLUG, is_current=True
        )
        .only("file")
        .first()
    )
    if document is None:
        return None
    try:
        with document.file.storage.open(document.file.name, "rb") as stream:
            return stream.read(PHOTO_MAX_BYTES + 1)
    except OSError:
        return None


@dataclass(frozen=True)
class ExamCardCheck:
    """What the public check says about an application's exam participant card."""

    exams_stage: bool  # the period's exam cards exist (the post-appeal result is announced)
    session: ExamSession | None  # the session a valid card admits to; None: no valid card


def application_for_check(code: str) -> Application | None:
    """The application a card's verification code belongs to, with what the public check shows,
    in one query: its period, formation, unit and exam session, and whether the period's
    post-appeal result is announced (when exam cards exist)."""
    post_appeal = Announcement.objects.filter(
        period_id=OuterRef("period_id"), kind=Announcement.Kind.POST_APPEAL
    )
    return (
        Application.objects.select_related("period", "formation__position__unit", "exam_session")
        .annotate(post_appeal_announced=Exists(post_appeal))
        .filter(verification_code=code)
        .first()
    )


def exam_card_check(application: Application) -> ExamCardCheck:
    """The exam card's rule is the applicant page's (`exam_card_problem`): the same answer on the
    card, on the applicant's page and on the public check. `application` comes from
    `application_for_check`."""
    announced = {Announcement.Kind.POST_APPEAL} if application.post_appeal_announced else set()
    valid = not exam_card_problem(application, announcements=announced)
    return ExamCardCheck(
        exams_stage=application.post_appeal_announced,
        session=application.exam_session if valid else None,
    )
