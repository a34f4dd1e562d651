"""Publishing a stage's announcement (docs/domain.md 1.4-1.6, 1.9).

Publishing is one transaction that copies the committee's working results into the announced
copies the applicants see, in bulk, and writes one timeline event per application. The e-mails
go out after the commit, in chunks, each claimed once per application and milestone."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core import outbox
from recruitment.models import (
    Announcement,
    Application,
    ApplicationEvent,
    DocumentCheck,
    ExamResult,
    SelectionPeriod,
)
from recruitment.rules import already_published_message
from recruitment.selectors.announcements import MILESTONE_OF, publish_problems
from recruitment.tasks import send_announcement_emails

Kind = Announcement.Kind
EVENT_BATCH = 1000


class AnnouncementError(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(str(problem) for problem in problems))


@transaction.atomic
def announcement_publish(
    *, period: SelectionPeriod, kind: str, actor, note: str = "", now=None, notify: bool = True
) -> Announcement:
    """Publish the period's `kind` announcement once. Raises AnnouncementError with the reasons
    when a precondition is not met. `notify=False` (demo data of past stages only) sends no
    e-mail."""
    now = now or timezone.now()
    # One publication at a time per period: the second waits, then sees the first.
    SelectionPeriod.objects.select_for_update().filter(pk=period.pk).first()
    problems = publish_problems(period, kind, now=now)
    if problems:
        raise AnnouncementError(problems)
    announcement = Announcement(
        period=period, kind=kind, note=note.strip(), published_at=now, published_by=actor
    )
    # The FKs are loaded objects and the unique kind is held by the constraint below.
    announcement.clean_fields(exclude=["period", "published_by"])
    try:
        with transaction.atomic():
            announcement.save()
    except IntegrityError:
        raise AnnouncementError([already_published_message()]) from None

    milestone = MILESTONE_OF[kind]
    if kind in (Kind.ADMIN, Kind.POST_APPEAL):
        applications = Application.objects.filter(
            period=period, status=Application.Status.SUBMITTED
        )
        applications.update(announced_result=F("admin_result"))
        DocumentCheck.objects.filter(
            application__period=period, application__status=Application.Status.SUBMITTED
        ).update(
            announced_result=F("result"),
            announced_reason=F("reason"),
            announced_note=F("note"),
        )
        affected = applications.values_list("pk", "admin_result")
    else:
        code = "skd_code" if kind == Kind.SKD else "final_code"
        affected = ExamResult.objects.filter(
            application__period=period, ranked_at__isnull=False
        ).values_list("application_id", code)
    batch = []
    for application_id, result in affected.iterator(chunk_size=EVENT_BATCH):
        batch.append(
            ApplicationEvent(
                application_id=application_id, status=milestone, note=result, actor=actor, at=now
            )
        )
        if len(batch) >= EVENT_BATCH:
            ApplicationEvent.objects.bulk_create(batch)
            batch = []
    ApplicationEvent.objects.bulk_create(batch)
    if notify:
        outbox.dispatch(send_announcement_emails, announcement.pk)
    return announcement
