"""What waits for HR and verifiers in recruitment, for the Today page (accounts.today):
applications to screen per formation, second checks, appeals to answer with their deadline,
score files checked but not yet applied. Each section is one query whatever the number of
periods, formations or applications (tests/recruitment/test_today.py counts them)."""

from datetime import timedelta

from django.db.models import Count, Exists, Min, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.roles import Role, has_role
from accounts.today import PROVIDER_CAP, Task
from recruitment import rules
from recruitment.models import (
    Announcement,
    Appeal,
    Application,
    Formation,
    PeriodAssignment,
    ScoreImport,
    SelectionPeriod,
)
from recruitment.selectors.screening import QueueState, _state_filters

# A checked score file not applied within this many days is taken as abandoned (a newer upload
# replaced it, or HR gave up on it): it stops asking for attention.
IMPORT_STALE_DAYS = 14


def _periods_screened_by(user, duty: str | None = None):
    """Periods whose screening is still open (no administrative announcement yet) that this
    person screens: HR every one, a verifier the ones assigned to them (with `duty`)."""
    periods = SelectionPeriod.objects.filter(
        ~Exists(Announcement.objects.filter(period=OuterRef("pk"), kind=Announcement.Kind.ADMIN))
    )
    if has_role(user, Role.HR):
        return periods
    if not has_role(user, Role.VERIFIER):
        return periods.none()
    assignments = PeriodAssignment.objects.filter(period=OuterRef("pk"), user=user)
    if duty:
        assignments = assignments.filter(duty=duty)
    return periods.filter(Exists(assignments))


def _formation_tasks(formations, state: str, label) -> list[Task]:
    # Two queries: the waiting applications counted per formation (one grouped scan of the
    # applications), then the few formations with any, by pk. Counting through a join from
    # the formations grouped every formation, period, position and unit column with a
    # DISTINCT count: 157 ms at 50,000 applications against 20 ms this way.
    waiting = dict(
        Application.objects.filter(
            _state_filters()[state],
            formation__in=formations.values("pk"),
            status=Application.Status.SUBMITTED,
        )
        .values_list("formation")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = formations.filter(pk__in=waiting).select_related("period", "position__unit")
    for formation in found:
        formation.waiting = waiting[formation.pk]
    never = (1, None)
    rows = sorted(
        found,
        key=lambda f: (
            (0, f.period.admin_announcement_at) if f.period.admin_announcement_at else never,
            -f.waiting,
            f.pk,
        ),
    )[:PROVIDER_CAP]
    tasks = []
    for formation in rows:
        url = reverse("recruitment:screening_queue", args=[formation.pk])
        tasks.append(
            Task(
                label=label(formation.waiting)
                % {"formation": f"{formation.position.name} · {formation.position.unit.name}"},
                url=f"{url}?state={state}",
                count=formation.waiting,
                due=formation.period.admin_announcement_at,
                detail=f"{formation.period.name} · {formation.get_category_display()}",
            )
        )
    return tasks


def today_screening(user) -> list[Task]:
    """Applications not yet screened, per formation, the earliest announcement first."""
    periods = _periods_screened_by(user, PeriodAssignment.Duty.VERIFIER)
    return _formation_tasks(
        Formation.objects.filter(period__in=periods),
        QueueState.UNSCREENED,
        lambda n: ngettext(
            "application to screen for %(formation)s",
            "applications to screen for %(formation)s",
            n,
        ),
    )


def today_second_checks(user) -> list[Task]:
    """Screened applications waiting for the second check, per formation (periods that ask
    for one; HR and the assigned second checkers)."""
    periods = _periods_screened_by(user, PeriodAssignment.Duty.CONFIRMER).filter(
        second_check_required=True
    )
    return _formation_tasks(
        Formation.objects.filter(period__in=periods),
        QueueState.AWAITING,
        lambda n: ngettext(
            "application to check a second time for %(formation)s",
            "applications to check a second time for %(formation)s",
            n,
        ),
    )


def today_appeals(user) -> list[Task]:
    """Appeals waiting for the committee's answer, per period, with the day the answers are
    due (docs/domain.md 1.5): two queries, the window computed from the announcement's date."""
    pending = list(
        Appeal.objects.filter(status=Appeal.Status.PENDING)
        .values("application__period")
        .annotate(count=Count("pk"), oldest=Min("submitted_at"))
        .order_by("oldest", "application__period")[:PROVIDER_CAP]
    )
    announced = Announcement.objects.filter(
        period=OuterRef("pk"), kind=Announcement.Kind.ADMIN
    ).values("published_at")[:1]
    by_id = SelectionPeriod.objects.annotate(announced_at=Subquery(announced)).in_bulk(
        [row["application__period"] for row in pending]
    )
    periods = []
    for row in pending:
        period = by_id[row["application__period"]]
        period.pending, period.oldest = row["count"], row["oldest"]
        periods.append(period)
    tasks = []
    for period in periods:
        window = (
            rules.appeal_window_from(period, period.announced_at) if period.announced_at else None
        )
        tasks.append(
            Task(
                label=ngettext(
                    "appeal to answer · %(period)s",
                    "appeals to answer · %(period)s",
                    period.pending,
                )
                % {"period": period.name},
                url=reverse("recruitment:hr_appeal_list", args=[period.pk]),
                count=period.pending,
                # Said as the appeal pages say it: the last minute of the last answer day.
                due=window.answers_due - timedelta(minutes=1) if window else None,
                waiting_since=period.oldest,
            )
        )
    return tasks


def today_score_imports(user, *, now=None) -> list[Task]:
    """Score files checked without errors but not applied yet (the all-or-nothing step waits
    for HR's confirmation), unless a later file of the same kind was applied for the period or
    the file is older than IMPORT_STALE_DAYS."""
    now = now or timezone.now()
    newer_applied = ScoreImport.objects.filter(
        period=OuterRef("period"),
        kind=OuterRef("kind"),
        applied_at__isnull=False,
        uploaded_at__gt=OuterRef("uploaded_at"),
    )
    imports = list(
        ScoreImport.objects.filter(
            applied_at__isnull=True,
            errors=[],
            uploaded_at__gte=now - timedelta(days=IMPORT_STALE_DAYS),
        )
        .exclude(rows=[])
        .filter(~Exists(newer_applied))
        .select_related("period")
        .order_by("uploaded_at", "pk")[:PROVIDER_CAP]
    )
    return [
        Task(
            label=_("%(kind)s scores to confirm: %(file)s")
            % {"kind": item.get_kind_display(), "file": item.file_name},
            url=reverse("recruitment:scores_import_detail", args=[item.pk]),
            waiting_since=item.uploaded_at,
            detail=item.period.name,
        )
        for item in imports
    ]
