"""Demo data for `seed_demo`: this year's quarterly cycle (and last year's), SKPs for the
puskesmas team of the demo supervisor and a few other units, reviews in every state and every
predikat, an open and a resolved objection, and the coaching plans the low predikat open.
Everything goes through the services, so the audit log is real. Safe to run again.

The demo employee's third-quarter review is left for the supervisor to write (the browser
journey does it). The demo supervisor reports to the Camat (the `camat` demo account), so the
overdue reviews of the team escalate to a real person and the Camat resolves objections."""

from itertools import cycle as repeat

from django.db import transaction
from django.utils import timezone

from performance.defaults import rules_ensure
from performance.models import BehaviourValue, Checkpoint, Review, Skp
from performance.services import reviews as review_services
from performance.services.cycles import cycle_ensure
from performance.services.skps import skp_agree, skp_save
from workforce.models import Employee

INDICATORS = [
    ("Pelayanan kesehatan sesuai standar", "95% pasien terlayani"),
    ("Laporan bulanan tepat waktu", "12 laporan"),
]
# (hasil kerja, perilaku) in an order that walks all nine matrix cells.
CELLS = [(h, p) for h in ("above", "meets", "below") for p in ("above", "meets", "below")]
# What happens after finalising, in turn: every status appears.
AFTER = ["acknowledged", "final", "objected", "resolved", "acknowledged", "draft"]
OTHER_EMPLOYEES = 30


def _data(skp, hasil, perilaku, *, note="Contoh penilaian demo."):
    values = list(BehaviourValue.objects.values_list("pk", flat=True))
    return review_services.ReviewInput(
        hasil_kerja=hasil,
        perilaku=perilaku,
        feedback="Pertahankan kinerja dan dokumentasikan bukti kerja.",
        development_plan="Pelatihan pelayanan prima; pendampingan oleh atasan.",
        indicators={i.pk: (hasil, note) for i in skp.indicators.all()},
        behaviours=dict.fromkeys(values, (perilaku, "")),
    )


def _review(skp, checkpoint, cell, after, *, evaluator, resolver, employee_user):
    hasil, perilaku = cell
    finalise = after != "draft"
    review = review_services.review_save(
        skp=skp,
        checkpoint=checkpoint,
        data=_data(skp, hasil, perilaku),
        user=evaluator,
        finalise=finalise,
    )
    actor = employee_user or evaluator
    if after == "acknowledged":
        review_services.review_acknowledge(review=review, user=actor)
    elif after in {"objected", "resolved"}:
        objection = review_services.objection_file(
            review=review, reasons="Bukti kerja saya belum dipertimbangkan.", user=actor
        )
        if after == "resolved":
            review_services.objection_resolve(
                objection=objection,
                uphold=True,
                user=resolver,
                resolution="Bukti tambahan diterima; hasil kerja dinaikkan.",
                hasil_kerja="meets",
                perilaku=perilaku,
            )
    return review


def link_superior(boss: Employee, user) -> None:
    """The demo supervisor reports to the Camat (the demo account `camat`), as a puskesmas head
    does in a real kecamatan: overdue reviews of the team escalate to them and they resolve the
    team's objections. Safe to run again."""
    camat = (
        Employee.objects.filter(position__name="Camat", status=Employee.Status.ACTIVE)
        .order_by("nip")
        .first()
    )
    if user is None or camat is None or camat.pk == boss.pk:
        return
    if camat.user_id != user.pk or camat.full_name != user.full_name:
        Employee.objects.filter(user=user).exclude(pk=camat.pk).update(user=None)
        camat.user, camat.full_name = user, user.full_name
        camat.save(update_fields=["user", "full_name"])
    if boss.supervisor_id != camat.pk:
        boss.supervisor = camat
        boss.save(update_fields=["supervisor"])


@transaction.atomic
def seed(users: dict) -> None:
    rules_ensure()  # a flushed test database has lost the migration's rows
    today = timezone.localdate()
    cycle_ensure(year=today.year - 1)
    current = cycle_ensure(year=today.year)
    me = Employee.objects.filter(user=users["employee"]).select_related("supervisor").first()
    if me is not None and me.supervisor is not None:
        link_superior(me.supervisor, users.get("camat"))
    if me is None or Skp.objects.filter(employee=me, cycle=current).exists():
        return
    boss = me.supervisor
    team = list(
        Employee.objects.filter(supervisor=boss, status=Employee.Status.ACTIVE).order_by("nip")
    )
    others = list(
        Employee.objects.filter(status=Employee.Status.ACTIVE, supervisor__isnull=True)
        .exclude(pk=boss.pk if boss else None)
        .order_by("nip")[:OTHER_EMPLOYEES]
    )
    periodic = list(
        Checkpoint.objects.filter(cycle=current, kind=Checkpoint.Kind.PERIODIC).order_by("number")
    )
    done = [cp for cp in periodic if cp.due_date < today][:2] or periodic[:2]
    cells, afters = repeat(CELLS), repeat(AFTER)
    for employee in [me, *[e for e in team if e != me], *others]:
        evaluator = (
            users["supervisor"] if employee.supervisor_id == (boss and boss.pk) else users["hr"]
        )
        skp = skp_save(employee=employee, cycle=current, indicators=INDICATORS, user=evaluator)
        skp_agree(skp=skp, user=employee.user or evaluator)
        for checkpoint in done:
            if employee == me:
                # the demo employee: Q1 acknowledged (Sangat Baik), Q2 awaiting acknowledgement
                cell, after = (
                    (("above", "above"), "acknowledged")
                    if checkpoint == done[0]
                    else (("meets", "meets"), "final")
                )
            else:
                cell, after = next(cells), next(afters)
            _review(
                skp,
                checkpoint,
                cell,
                after,
                evaluator=evaluator,
                resolver=users["hr"],
                employee_user=employee.user,
            )
    # Last year: annual reviews, all acknowledged, for the history and the e-Kinerja export.
    last = cycle_ensure(year=today.year - 1)
    annual = Checkpoint.objects.get(cycle=last, kind=Checkpoint.Kind.ANNUAL)
    for employee in [me, *[e for e in team if e != me][:10]]:
        skp = skp_save(
            employee=employee, cycle=last, indicators=INDICATORS, user=users["supervisor"]
        )
        skp_agree(skp=skp, user=employee.user or users["supervisor"])
        _review(
            skp,
            annual,
            ("meets", "meets"),
            "acknowledged",
            evaluator=users["supervisor"],
            resolver=users["hr"],
            employee_user=employee.user,
        )
    assert Review.objects.filter(skp__cycle=current).exists()
