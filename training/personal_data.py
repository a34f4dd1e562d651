"""The training app's personal data (UU 27/2022 PDP): enrolments, attendance and certificates are
employment records (kept); invitations to a session are deleted on request. Registered in
TrainingConfig.ready()."""

from django.utils.translation import gettext as _

from core import audit, personaldata
from core.personaldata import Erasure, Export, declare, has_related
from training.models import Attendance, Certificate, Enrolment, JpReminder, Material, SessionGuest
from workforce.models import Employee

EMPLOYMENT = "An employment record: kept under the civil-service archive rules."


def register() -> None:
    declare(
        Enrolment,
        subject="employee__user",
        fields=("employee", "requested_by", "decided_by"),
        erasure=Erasure.KEPT,
        note=EMPLOYMENT,
    )
    declare(
        Attendance,
        subject="enrolment__employee__user",
        fields=("recorded_by",),
        erasure=Erasure.KEPT,
        note=EMPLOYMENT,
    )
    declare(
        Certificate,
        subject="enrolment__employee__user",
        fields=(),
        erasure=Erasure.KEPT,
        note=EMPLOYMENT,
    )
    declare(SessionGuest, subject="user", fields=("user",), erasure=Erasure.DELETED)
    declare(
        JpReminder,
        subject="recipient",
        fields=("recipient",),
        erasure=Erasure.KEPT,
        note="The record that a reminder was sent, so that it is sent once a year.",
    )
    declare(
        Material,
        subject=None,
        fields=(),
        erasure=Erasure.KEPT,
        note="Course material the training staff upload, not a person's document.",
    )
    audit.register(Enrolment)
    audit.register(Certificate)
    personaldata.register_export("employment", export, order=31)
    personaldata.register_summary(summary, order=31)
    personaldata.register_eraser(erase, order=40)


def export(export: Export) -> dict | None:
    user = export.user
    invitations = [
        export.record(g, extra={"session": str(g.session)})
        for g in SessionGuest.objects.filter(user=user).select_related("session")
    ]
    reminders = [export.record(r) for r in JpReminder.objects.filter(recipient=user)]
    employee = Employee.objects.filter(user=user).first()
    if employee is None:
        part = {"training_invitations": invitations, "reminders": reminders}
        return part if (invitations or reminders) else None
    enrolments = (
        Enrolment.objects.filter(employee=employee)
        .select_related("session__programme")
        .prefetch_related("attendances", "feedback", "certificate")
    )
    return {
        "training_enrolments": [_enrolment(export, e) for e in enrolments],
        "training_invitations": invitations,
        "reminders": reminders,
    }


def _enrolment(export: Export, enrolment) -> dict:
    certificate = enrolment.certificate if has_related(enrolment, "certificate") else None
    feedback = enrolment.feedback if has_related(enrolment, "feedback") else None
    return export.record(
        enrolment,
        extra={
            "session": str(enrolment.session),
            "programme": str(enrolment.session.programme),
            "attendance": [export.record(a) for a in enrolment.attendances.all()],
            "certificate": export.record(certificate) if certificate else None,
            "feedback": export.record(feedback) if feedback else None,
        },
    )


def summary(user) -> list[dict]:
    employee = Employee.objects.filter(user=user).first()
    if employee is None:
        return []
    return [
        {
            "label": _("Training enrolments"),
            "count": Enrolment.objects.filter(employee=employee).count(),
        }
    ]


def erase(*, user, report, now) -> None:
    count = SessionGuest.objects.filter(user=user).delete()[0]
    if count:
        report.deleted.append(_("%(count)d training-session invitations") % {"count": count})
