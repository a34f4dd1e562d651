"""The performance app's personal data (UU 27/2022 PDP): SKPs, reviews, objections and coaching
are employment records, kept under the civil-service archive rules. Registered in
PerformanceConfig.ready()."""

from django.utils.translation import gettext as _

from core import audit, personaldata
from core.personaldata import Erasure, Export, declare, has_related
from performance.models import (
    CoachingPlan,
    Correction,
    Objection,
    ReminderDelivery,
    Review,
    ReviewEvent,
    Skp,
)
from workforce.models import Employee

EMPLOYMENT = "An employment record: kept under the civil-service archive rules."


def register() -> None:
    for model, subject, fields in (
        (Skp, "employee__user", ("employee", "created_by")),
        (Review, "skp__employee__user", ("evaluator",)),
        (ReviewEvent, "review__skp__employee__user", ("actor",)),
        (Objection, "review__skp__employee__user", ("filed_by", "resolved_by")),
        (Correction, "review__skp__employee__user", ("by",)),
        (CoachingPlan, "employee__user", ("employee",)),
    ):
        declare(model, subject=subject, fields=fields, erasure=Erasure.KEPT, note=EMPLOYMENT)
    declare(
        ReminderDelivery,
        subject="recipient",
        fields=("recipient",),
        erasure=Erasure.KEPT,
        note="The record that a reminder was sent, so that it is sent once.",
    )
    for model in (Skp, Review, Objection, CoachingPlan):
        audit.register(model)
    personaldata.register_export("employment", export, order=32)
    personaldata.register_summary(summary, order=32)


def export(export: Export) -> dict | None:
    user = export.user
    reminders = [export.record(r) for r in ReminderDelivery.objects.filter(recipient=user)]
    employee = Employee.objects.filter(user=user).first()
    if employee is None:
        return {"reminders": reminders} if reminders else None
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
    plans = CoachingPlan.objects.filter(employee=employee).prefetch_related("follow_ups")
    return {
        "skps": [_skp(export, s) for s in skps],
        "coaching_plans": [
            export.record(p, extra={"follow_ups": [export.record(f) for f in p.follow_ups.all()]})
            for p in plans
        ],
        "reminders": reminders,
    }


def _skp(export: Export, skp) -> dict:
    reviews = []
    for review in skp.reviews.all():
        objection = review.objection if has_related(review, "objection") else None
        reviews.append(
            export.record(
                review,
                extra={
                    "checkpoint": str(review.checkpoint),
                    "indicator_ratings": [export.record(r) for r in review.indicator_ratings.all()],
                    "behaviour_ratings": [
                        export.record(r, extra={"value": str(r.value)})
                        for r in review.behaviour_ratings.all()
                    ],
                    "events": [export.record(e) for e in review.events.all()],
                    "corrections": [export.record(c) for c in review.corrections.all()],
                    "objection": export.record(objection) if objection else None,
                },
            )
        )
    return export.record(
        skp,
        extra={
            "year": skp.cycle.year,
            "indicators": [export.record(i) for i in skp.indicators.all()],
            "reviews": reviews,
        },
    )


def summary(user) -> list[dict]:
    employee = Employee.objects.filter(user=user).first()
    if employee is None:
        return []
    return [
        {
            "label": _("Performance plans (SKP)"),
            "count": Skp.objects.filter(employee=employee).count(),
        }
    ]
