"""Fixtures of the scores and ranking tests: a CPNS period with its passing grades, formations,
and finalised MS applications with exam results, built directly (no screening needed)."""

import itertools
from datetime import date
from decimal import Decimal

from recruitment.models import (
    AdminResult,
    Announcement,
    Application,
    ExamResult,
    Presence,
)
from recruitment.services.periods import period_add_default_passing_grades
from tests.factories import (
    ApplicantProfileFactory,
    FormationFactory,
    PositionFactory,
    SelectionPeriodFactory,
)

_numbers = itertools.count(1)


def scored_period(*, post_appeal=True, **kwargs):
    """A period at the exam stage: the administrative result and the result after appeals are
    published (scores wait for them: every applicant's MS or TMS is final)."""
    period = SelectionPeriodFactory(documents=False, **kwargs)
    period_add_default_passing_grades(period=period)
    if post_appeal:
        announce(period, Announcement.Kind.ADMIN)
        announce(period, Announcement.Kind.POST_APPEAL)
    return period


def formation(period, *, quota=1, category="umum", position=None, **kwargs):
    return FormationFactory(
        period=period,
        quota=quota,
        category=category,
        position=position or PositionFactory(),
        required=[],
        **kwargs,
    )


def application(
    formation,
    *,
    status=Application.Status.SUBMITTED,
    announced_result=AdminResult.MS,
    gpa="3.41",
    birth_date=date(1998, 4, 12),
    number=None,
):
    profile = ApplicantProfileFactory(gpa=Decimal(gpa), birth_date=birth_date)
    return Application.objects.create(
        applicant=profile.user,
        period=formation.period,
        formation=formation,
        budget_year=formation.period.year,
        status=status,
        registration_number=number or f"REG-{next(_numbers):06d}",
        announced_result=announced_result,
    )


def scored(
    formation,
    twk=None,
    tiu=None,
    tkp=None,
    *,
    presence=Presence.PRESENT,
    skb=None,
    skb_presence="",
    **kwargs,
):
    """An application with SKD (and optionally SKB) scores."""
    app = application(formation, **kwargs)
    if skb is not None and not skb_presence:
        skb_presence = Presence.PRESENT
    ExamResult.objects.create(
        application=app,
        skd_presence=presence,
        twk=twk,
        tiu=tiu,
        tkp=tkp,
        skb_presence=skb_presence,
        skb=Decimal(str(skb)) if skb is not None else None,
    )
    return app


def announce(period, kind=Announcement.Kind.SKD):
    return Announcement.objects.create(period=period, kind=kind)


def result_of(app) -> ExamResult:
    return ExamResult.objects.get(application=app)
