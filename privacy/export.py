"""'My data': everything the portal holds about one person, as data.json plus their own files,
in a zip written to a temporary file (bounded memory, whatever the size of the uploads).

Only the person's own data goes in. Records made by staff about them say "staff" instead of a
name; other people's posts (replies on the person's topic, for instance) are left out.
"""

import json
import logging
import shutil
import tempfile
import zipfile
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

from accounts.roles import user_roles

logger = logging.getLogger(__name__)

SPOOL_MAX = 1024 * 1024  # in memory up to 1 MB, then on disk


def _value(value):
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _record(obj, user, *, exclude=(), extra=None) -> dict:
    """The object's own fields. A link to a person (a user or an employee) is never copied: it
    becomes "you" or "staff"/"someone else". Other links keep their id."""
    from workforce.models import Employee

    data = {}
    user_model = get_user_model()
    for model_field in obj._meta.concrete_fields:
        name = model_field.name
        if name in exclude:
            continue
        if isinstance(model_field, models.ForeignKey):
            related_id = getattr(obj, model_field.attname)
            if model_field.related_model is user_model:
                if related_id is not None:
                    data[name] = "you" if related_id == user.pk else "staff"
                continue
            if model_field.related_model is Employee:
                if related_id is not None:
                    own = getattr(user, "_export_employee_id", None)
                    data[name] = "you" if related_id == own else "someone else"
                continue
            data[model_field.attname] = related_id
            continue
        if isinstance(model_field, models.FileField):
            continue
        data[name] = _value(getattr(obj, model_field.attname))
    if extra:
        data.update(extra)
    return data


class _Export:
    def __init__(self, user):
        self.user = user
        self.files: list[tuple[str, str]] = []  # (storage name, name in the zip)

    def attach(self, field_file, zip_name) -> str | None:
        if not field_file:
            return None
        self.files.append((field_file.name, zip_name))
        return zip_name

    def build(self) -> dict:
        from workforce.models import Employee

        user = self.user
        employee = Employee.objects.filter(user=user).select_related("position__unit").first()
        user._export_employee_id = employee.pk if employee else None
        return {
            "exported_at": timezone.localtime().isoformat(),
            "portal": settings.SITE_URL,
            "privacy_notice_version": settings.PRIVACY_NOTICE_VERSION,
            "account": self.account(),
            "privacy": self.privacy(),
            "recruitment": self.recruitment(),
            "forums": self.forums(),
            "employment": self.employment(employee),
        }

    # --- accounts and privacy ---------------------------------------------------------------

    def account(self) -> dict:
        from allauth.account.models import EmailAddress

        user = self.user
        return {
            **_record(
                user,
                user,
                exclude=("password", "is_staff", "is_superuser", "id"),
            ),
            "roles": sorted(user_roles(user)),
            "email_addresses": [
                _record(address, user, exclude=("id",))
                for address in EmailAddress.objects.filter(user=user)
            ],
        }

    def privacy(self) -> dict:
        user = self.user
        requests = []
        for data_request in user.privacy_requests.all():
            row = _record(data_request, user, exclude=("log",))
            row["log"] = [
                {**entry, "by": "you" if entry.get("by") == user.pk else "staff"}
                for entry in data_request.log
            ]
            requests.append(row)
        return {
            "consents": [_record(c, user) for c in user.privacy_consents.all()],
            "requests": requests,
            "restrictions": [_record(r, user) for r in user.privacy_restrictions.all()],
        }

    # --- recruitment ------------------------------------------------------------------------

    def recruitment(self) -> dict:
        from recruitment.models import ApplicantProfile, Application

        user = self.user
        profile = ApplicantProfile.objects.filter(user=user).first()
        applications = (
            Application.objects.filter(applicant=user)
            .select_related("period", "formation__position", "exam_session")
            .prefetch_related(
                "events",
                "documents__requirement",
                "document_checks__requirement",
                "document_checks__announced_reason",
                "status_notifications",
                "optimisation_offers",
            )
            .order_by("created_at")
        )
        return {
            "applicant_profile": _record(profile, user) if profile else None,
            "applications": [self.application(a) for a in applications],
        }

    def application(self, application) -> dict:
        user = self.user
        row = _record(
            application,
            user,
            # The committee's working result before it is announced is not yet a decision
            # about the person; the announced one is below.
            exclude=("admin_result",),
            extra={
                "period": str(application.period),
                "formation": str(application.formation),
                "exam_session": str(application.exam_session) if application.exam_session else None,
            },
        )
        row["events"] = [_record(e, user) for e in application.events.all()]
        row["status_emails"] = [_record(n, user) for n in application.status_notifications.all()]
        row["documents"] = []
        for document in application.documents.all():
            zip_name = (
                f"files/recruitment/application-{application.pk}/"
                f"{document.requirement.slug}-v{document.version}.{document.extension}"
            )
            row["documents"].append(
                _record(
                    document,
                    user,
                    exclude=("token",),
                    extra={
                        "requirement": str(document.requirement),
                        "file": self.attach(document.file, zip_name),
                    },
                )
            )
        row["document_checks"] = [
            {
                "requirement": str(check.requirement),
                "announced_result": check.announced_result,
                "announced_reason": str(check.announced_reason) if check.announced_reason else "",
                "announced_note": check.announced_note,
            }
            for check in application.document_checks.all()
            if check.announced_result
        ]
        appeal = getattr(application, "appeal", None) if _has(application, "appeal") else None
        row["appeal"] = (
            _record(
                appeal,
                user,
                extra={"documents": [str(d) for d in appeal.documents.all()]},
            )
            if appeal
            else None
        )
        result = (
            getattr(application, "exam_result", None) if _has(application, "exam_result") else None
        )
        row["exam_result"] = _record(result, user) if result else None
        row["optimisation_offers"] = [
            _record(o, user) for o in application.optimisation_offers.all()
        ]
        return row

    # --- forums -----------------------------------------------------------------------------

    def forums(self) -> dict:
        from forums.models import (
            Comment,
            Follow,
            IkmResponse,
            ModerationAction,
            Report,
            SessionRegistration,
            Support,
            Suspension,
            Topic,
        )

        user = self.user
        topics = []
        for topic in Topic.objects.filter(author=user).order_by("created_at"):
            topics.append(
                _record(
                    topic,
                    user,
                    extra={"photo": self.attach(topic.photo, f"files/forums/topic-{topic.pk}.jpg")},
                )
            )
        return {
            "topics": topics,
            # Only the person's own comments; replies by others on their topics are not theirs.
            "comments": [_record(c, user) for c in Comment.objects.filter(author=user)],
            "supports": [_record(s, user) for s in Support.objects.filter(user=user)],
            "follows": [_record(f, user) for f in Follow.objects.filter(user=user)],
            "session_registrations": [
                _record(r, user, extra={"session": str(r.session)})
                for r in SessionRegistration.objects.filter(user=user).select_related("session")
            ],
            "ikm_responses": [
                _record(r, user, extra={"unit": str(r.unit), "period_name": str(r.period)})
                for r in IkmResponse.objects.filter(respondent=user).select_related(
                    "unit", "period"
                )
            ],
            "reports_filed": [_record(r, user) for r in Report.objects.filter(reporter=user)],
            "moderation_actions_about_you": [
                _record(a, user) for a in ModerationAction.objects.filter(target_user=user)
            ],
            "suspensions": [_record(s, user) for s in Suspension.objects.filter(user=user)],
        }

    # --- employment: workforce, training, performance ---------------------------------------

    def employment(self, employee) -> dict | None:
        from performance.models import CoachingPlan, ReminderDelivery, Skp
        from training.models import Enrolment, JpReminder, SessionGuest

        user = self.user
        invitations = [
            _record(g, user, extra={"session": str(g.session)})
            for g in SessionGuest.objects.filter(user=user).select_related("session")
        ]
        reminders = [_record(r, user) for r in JpReminder.objects.filter(recipient=user)] + [
            _record(r, user) for r in ReminderDelivery.objects.filter(recipient=user)
        ]
        if employee is None:
            return (
                {"training_invitations": invitations, "reminders": reminders}
                if (invitations or reminders)
                else None
            )
        enrolments = (
            Enrolment.objects.filter(employee=employee)
            .select_related("session__programme")
            .prefetch_related("attendances", "feedback", "certificate")
        )
        skps = (
            Skp.objects.filter(employee=employee)
            .select_related("cycle")
            .prefetch_related(
                "indicators",
                "reviews__checkpoint",
                "reviews__indicator_ratings",
                "reviews__behaviour_ratings__value",
                "reviews__events",
                "reviews__corrections",
            )
        )
        return {
            "employee": _record(
                employee,
                user,
                extra={"position": str(employee.position), "unit": str(employee.position.unit)},
            ),
            "training_enrolments": [self.enrolment(e) for e in enrolments],
            "training_invitations": invitations,
            "skps": [self.skp(s) for s in skps],
            "coaching_plans": [
                _record(
                    p, user, extra={"follow_ups": [_record(f, user) for f in p.follow_ups.all()]}
                )
                for p in CoachingPlan.objects.filter(employee=employee).prefetch_related(
                    "follow_ups"
                )
            ],
            "reminders": reminders,
        }

    def enrolment(self, enrolment) -> dict:
        user = self.user
        certificate = enrolment.certificate if _has(enrolment, "certificate") else None
        feedback = enrolment.feedback if _has(enrolment, "feedback") else None
        return _record(
            enrolment,
            user,
            extra={
                "session": str(enrolment.session),
                "programme": str(enrolment.session.programme),
                "attendance": [_record(a, user) for a in enrolment.attendances.all()],
                "certificate": _record(certificate, user) if certificate else None,
                "feedback": _record(feedback, user) if feedback else None,
            },
        )

    def skp(self, skp) -> dict:
        user = self.user
        reviews = []
        for review in skp.reviews.all():
            objection = review.objection if _has(review, "objection") else None
            reviews.append(
                _record(
                    review,
                    user,
                    extra={
                        "checkpoint": str(review.checkpoint),
                        "indicator_ratings": [
                            _record(r, user) for r in review.indicator_ratings.all()
                        ],
                        "behaviour_ratings": [
                            _record(r, user, extra={"value": str(r.value)})
                            for r in review.behaviour_ratings.all()
                        ],
                        "events": [_record(e, user) for e in review.events.all()],
                        "corrections": [_record(c, user) for c in review.corrections.all()],
                        "objection": _record(objection, user) if objection else None,
                    },
                )
            )
        return _record(
            skp,
            user,
            extra={
                "year": skp.cycle.year,
                "indicators": [_record(i, user) for i in skp.indicators.all()],
                "reviews": reviews,
            },
        )


def _has(obj, name) -> bool:
    """A reverse one-to-one that may be missing."""
    try:
        getattr(obj, name)
    except models.ObjectDoesNotExist:
        return False
    return True


def export_data(user) -> tuple[dict, list[tuple[str, str]]]:
    """The person's data and the list of their files (storage name, name in the zip)."""
    export = _Export(user)
    data = export.build()
    return data, export.files


def export_zip(user):
    """A temporary file holding the zip; the caller streams it and closes it."""
    data, files = export_data(user)
    missing = []
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response that streams it
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for storage_name, zip_name in files:
            try:
                with (
                    default_storage.open(storage_name, "rb") as source,
                    archive.open(zip_name, "w") as target,
                ):
                    shutil.copyfileobj(source, target, 64 * 1024)
            except (FileNotFoundError, OSError):
                missing.append(zip_name)
        data["missing_files"] = missing
        archive.writestr(
            "data.json",
            json.dumps(data, ensure_ascii=False, indent=2, default=str),
        )
    spool.seek(0)
    logger.info(
        "personal data exported: user=%s files=%s missing=%s", user.pk, len(files), len(missing)
    )
    return spool
