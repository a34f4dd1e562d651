"""Builders for the performance tests: a supervisor with a team, agreed SKPs, finalised reviews.
Imports from tests/factories.py, never edits it."""

import datetime as dt

from accounts.roles import Role
from performance.defaults import rules_ensure
from performance.models import BehaviourValue, Checkpoint
from performance.services import reviews as review_services
from performance.services.cycles import cycle_ensure
from performance.services.skps import skp_agree, skp_save
from tests.factories import EmployeeFactory, PositionFactory, UserFactory, make_nip

INDICATORS = [("Pelayanan pasien", "100 pasien"), ("Laporan bulanan", "12 laporan")]
_sequence = iter(range(1, 10**6))


def employee_for(user=None, *, supervisor=None, position=None):
    n = next(_sequence)
    birth = dt.date(1970 + n % 25, 1 + n % 12, 1 + n % 28)
    return EmployeeFactory(
        user=user,
        supervisor=supervisor,
        birth_date=birth,
        nip=make_nip(birth, sequence=n % 999 + 1),
        **({"position": position} if position else {}),
    )


def team(supervisor_user, size: int, *, with_users=True, position=None):
    """The supervisor's Employee (created when missing) and `size` team members."""
    boss = getattr(supervisor_user, "employee", None) or employee_for(supervisor_user)
    position = position or PositionFactory()
    members = [
        employee_for(
            UserFactory(roles=[Role.EMPLOYEE]) if with_users else None,
            supervisor=boss,
            position=position,
        )
        for _ in range(size)
    ]
    return boss, members


def cycle(year=2026, **settings):
    rules_ensure()
    return cycle_ensure(year=year, **settings)


def checkpoint(the_cycle, number=1, kind=Checkpoint.Kind.PERIODIC):
    return Checkpoint.objects.get(cycle=the_cycle, kind=kind, number=number)


def agreed_skp(employee, the_cycle, *, by):
    skp = skp_save(employee=employee, cycle=the_cycle, indicators=INDICATORS, user=by)
    return skp_agree(skp=skp, user=employee.user or by)


def ratings(skp, hasil="meets", perilaku="meets"):
    return review_services.ReviewInput(
        hasil_kerja=hasil,
        perilaku=perilaku,
        feedback="Baik.",
        development_plan="Pelatihan pelayanan prima.",
        indicators={i.pk: (hasil, "bukti") for i in skp.indicators.all()},
        behaviours=dict.fromkeys(
            BehaviourValue.objects.values_list("pk", flat=True), (perilaku, "")
        ),
    )


def final_review(skp, the_checkpoint, *, by, hasil="meets", perilaku="meets"):
    return review_services.review_save(
        skp=skp,
        checkpoint=the_checkpoint,
        data=ratings(skp, hasil, perilaku),
        user=by,
        finalise=True,
    )
