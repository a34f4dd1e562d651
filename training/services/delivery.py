"""Running a session: attendance per meeting, results by the completion rule, certificates, and
the attendees' feedback."""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from training.models import Attendance, Certificate, Enrolment, Feedback, Meeting, Session
from training.services.enrolments import TrainingError

Status = Enrolment.Status
Result = Enrolment.Result

# No 0/O, 1/I: a code read aloud or typed from paper is not mistaken.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@transaction.atomic
def attendance_record(*, meeting: Meeting, present: Iterable[int], user) -> int:
    """Record one meeting: the enrolments in `present` were there, every other enrolled person
    was not. Anyone in `present` who is not enrolled refuses the whole list. Returns the number
    of people marked present."""
    if meeting.date > timezone.localdate():
        raise TrainingError(_("Attendance can be recorded once the meeting has taken place."))
    enrolled = set(
        meeting.session.enrolments.filter(status=Status.ENROLLED).values_list("pk", flat=True)
    )
    present = set(present)
    strangers = present - enrolled
    if strangers:
        names = Enrolment.objects.filter(pk__in=strangers).values_list(
            "employee__full_name", flat=True
        )
        raise TrainingError(
            _("Attendance can only be recorded for enrolled people; not enrolled: %(names)s.")
            % {"names": ", ".join(sorted(names)) or _("unknown")}
        )
    now = timezone.now()
    Attendance.objects.bulk_create(
        [
            Attendance(
                enrolment_id=pk,
                meeting=meeting,
                present=pk in present,
                recorded_by=user,
                recorded_at=now,
            )
            for pk in sorted(enrolled)
        ],
        update_conflicts=True,
        unique_fields=["enrolment", "meeting"],
        update_fields=["present", "recorded_by", "recorded_at"],
    )
    return len(present)


def attendance_percent(meetings: int, present: int) -> int:
    return present * 100 // meetings if meetings else 0


@transaction.atomic
def session_results_record(
    *, session: Session, scores: Mapping[int, Decimal | None], user
) -> list[Enrolment]:
    """Apply the completion rule to every enrolled person still without a result: attendance
    of at least the programme's minimum, and the pass score when the programme has one.
    Passing issues the certificate. A result, once recorded, stands (Latsar: one attempt)."""
    session = Session.objects.select_for_update().select_related("programme").get(pk=session.pk)
    programme = session.programme
    meetings = list(session.meetings.all())
    if not meetings:
        raise TrainingError(_("The session has no meetings, so there is no attendance to judge."))
    if max(m.date for m in meetings) > timezone.localdate():
        raise TrainingError(_("Results can be recorded after the last meeting."))
    pending = list(
        session.enrolments.filter(status=Status.ENROLLED, result=Result.PENDING).select_related(
            "employee"
        )
    )
    present_counts = dict.fromkeys((e.pk for e in pending), 0)
    for enrolment_id in Attendance.objects.filter(enrolment__in=pending, present=True).values_list(
        "enrolment_id", flat=True
    ):
        present_counts[enrolment_id] += 1
    now = timezone.now()
    for enrolment in pending:
        score = scores.get(enrolment.pk)
        if programme.pass_score is not None and score is None:
            raise TrainingError(
                _("A score is needed for %(name)s: this programme has an assessment.")
                % {"name": enrolment.employee.full_name}
            )
        percent = attendance_percent(len(meetings), present_counts[enrolment.pk])
        passed = percent >= programme.min_attendance_percent and (
            programme.pass_score is None or score >= programme.pass_score
        )
        enrolment.attendance_percent = percent
        enrolment.score = score
        enrolment.result = Result.PASSED if passed else Result.NOT_PASSED
        enrolment.completed_at = now
        enrolment.full_clean(validate_constraints=False)
        enrolment.save(update_fields=["attendance_percent", "score", "result", "completed_at"])
        if passed:
            certificate_issue(enrolment=enrolment)
    return pending


def certificate_issue(*, enrolment: Enrolment) -> Certificate:
    existing = Certificate.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        return existing
    year = (enrolment.completed_at or timezone.now()).year
    programme = enrolment.session.programme
    for _attempt in range(5):
        certificate = Certificate(
            enrolment=enrolment,
            number=f"SERT-RKP/{year}/{enrolment.pk:06d}",
            verification_code=get_random_string(12, allowed_chars=CODE_ALPHABET),
            # Signed by whoever signs the programme's certificates today (docs/domain.md 3).
            signatory_name=programme.signatory_name,
            signatory_position=programme.signatory_position,
            signatory_nip=programme.signatory_nip,
        )
        try:
            with transaction.atomic():
                certificate.save()
        except IntegrityError:  # a code collision, about one in 10^18: draw again
            continue
        return certificate
    raise TrainingError(_("No certificate code could be drawn; please try again."))


@transaction.atomic
def feedback_submit(
    *, enrolment: Enrolment, relevance: int, trainer: int, materials: int, comments: str = ""
) -> Feedback:
    """Feedback only from someone who attended at least one meeting, once per enrolment."""
    if not enrolment.attendances.filter(present=True).exists():
        raise TrainingError(_("Only people who attended the session can give feedback on it."))
    if Feedback.objects.filter(enrolment=enrolment).exists():
        raise TrainingError(_("You have already given feedback on this session."))
    feedback = Feedback(
        enrolment=enrolment,
        relevance=relevance,
        trainer=trainer,
        materials=materials,
        comments=comments.strip(),
    )
    feedback.full_clean()
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError as error:
        raise TrainingError(_("You have already given feedback on this session.")) from error
    return feedback
