"""Every list page (and list download) asks the database as many times for a few rows as for
many (issue 23). This module covers the pages that had no such test; each is read at two sizes
with `tests.queries.assert_constant_queries`. The others are covered next to their app's tests:

- workforce: needs map (test_needs, test_needs_rows), unit page (test_needs), unit message
  (test_bulk_messages), proposal list (test_proposals), employee list (test_employee_register)
- recruitment: vacancy list (test_vacancy_list, test_applications), my applications
  (test_status_stages), HR periods, period detail, HR application list, statistics (test_hr,
  test_priority_group), bulk message (test_bulk_messages), screening list, period and queue
  (test_screening), announcement page (test_announcements), exam sessions (test_exam_cards),
  merit list (test_ranking), appointments (test_appointments), period help (test_help),
  Today (test_today)
- training: catalogue, team requests, HR dashboard, feedback, my training, employee training,
  session, results, attendance (test_pages), onboarding (test_onboarding), planning list
  (test_manage), invitations (test_guests)
- performance: mine, team, objections, dashboard (test_views, test_dashboard)
- forums: topic list, topic page (test_topics, test_stored_html), my topics (test_my_topics),
  moderation queue (test_moderation, test_moderation_queue), session page (test_outcome_links)
- notifications: inbox (test_inbox); privacy: HR's requests (test_requests);
  opendata: every API list (test_api)
"""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from tests.conftest import two_factor_login
from tests.factories import (
    FormationFactory,
    PlanningYearFactory,
    PositionFactory,
    SelectionPeriodFactory,
    UnitFactory,
    UserFactory,
    abk_with_minutes,
)
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def _user(*roles, **kwargs):
    return UserFactory(roles=list(roles), **kwargs)


# --- recruitment ---------------------------------------------------------------------------------


def hr_appeal_list():
    from recruitment.models import Appeal
    from tests.factories import ApplicationFactory
    from tests.recruitment.factories_selection import closed_period

    hr = _user(Role.HR, is_staff=True)
    period = closed_period()
    statuses = itertools.cycle(Appeal.Status.values)
    formations = itertools.cycle([FormationFactory(period=period) for _ in range(3)])

    def grow(n):
        for _ in range(n):
            app = ApplicationFactory(
                formation=next(formations),
                status="submitted",
                admin_result="TMS",
                registration_number=f"RKP-APL-{next(_numbers):06d}",
            )
            status = next(statuses)
            appeal = Appeal.objects.create(
                application=app,
                reason="Scan sudah jelas",
                status=status,
                answered_by=hr if status != Appeal.Status.PENDING else None,
                answered_at=timezone.now() if status != Appeal.Status.PENDING else None,
            )
            appeal.documents.set(app.formation.required_documents.all())

    return hr, reverse("recruitment:hr_appeal_list", args=[period.pk]), grow


def screening_assignments():
    from recruitment.models import PeriodAssignment
    from tests.recruitment.factories_screening import assign

    hr = _user(Role.HR, is_staff=True)
    period = SelectionPeriodFactory()
    duties = itertools.cycle(PeriodAssignment.Duty.values)

    def grow(n):
        for _ in range(n):
            assign(period, _user(Role.HR, is_staff=True), duty=next(duties))

    return hr, reverse("recruitment:screening_assignments", args=[period.pk]), grow


def scores_home():
    from recruitment.models import ScoreImport
    from tests.recruitment.factories_scores import formation, scored, scored_period

    hr = _user(Role.HR, is_staff=True)
    period = scored_period(skd_reuse_allowed=True)
    place = formation(period, quota=2)

    def grow(n):
        for _ in range(n):
            ScoreImport.objects.create(
                period=period,
                kind=ScoreImport.Kind.values[0],
                file_name=f"nilai-{next(_numbers)}.xlsx",
                rows=[{"number": "x"}],
                uploaded_by=hr,
            )
            scored(place, 100, 100, 200)

    return hr, reverse("recruitment:scores_home", args=[period.pk]), grow


def optimisation():
    from recruitment.models import OptimisationOffer
    from tests.recruitment.factories_scores import formation, scored, scored_period

    hr = _user(Role.HR, is_staff=True)
    period = scored_period()
    statuses = itertools.cycle(OptimisationOffer.Status.values)

    def grow(n):
        for _ in range(n):
            position = PositionFactory()
            unfilled, full = formation(period, position=position), formation(period)
            status = next(statuses)
            OptimisationOffer.objects.create(
                formation=unfilled,
                application=scored(full, 100, 100, 200, skb=400),
                code="P/L",
                status=status,
                decided_by=hr if status != OptimisationOffer.Status.PROPOSED else None,
            )

    return hr, reverse("recruitment:optimisation", args=[period.pk]), grow


def hr_application_export():
    from tests.recruitment.factories_screening import submitted_application

    hr = _user(Role.HR, is_staff=True)
    formation = FormationFactory()

    def grow(n):
        for _ in range(n):
            submitted_application(formation, with_documents=False)

    return hr, reverse("recruitment:hr_application_export", args=[formation.pk]), grow


def merit_export():
    from recruitment.services.ranking import rank_period
    from tests.recruitment.factories_scores import formation, scored, scored_period

    hr = _user(Role.HR, is_staff=True)
    period = scored_period()
    places = [formation(period, quota=2) for _ in range(2)]

    def grow(n):
        for i in range(n):
            scored(places[i % 2], 60 + i, 80 + i, 160 + i, skb=300 + i)
        rank_period(period=period)

    return hr, reverse("recruitment:merit_export", args=[period.pk]), grow


def help_index():
    def grow(n):
        for _ in range(n):
            SelectionPeriodFactory(documents=False)

    return None, reverse("recruitment:help_index"), grow


def announcement_index():
    from recruitment.models import Announcement

    def grow(n):
        for _ in range(n):
            period = SelectionPeriodFactory(documents=False)
            for kind in (Announcement.Kind.ADMIN, Announcement.Kind.POST_APPEAL):
                Announcement.objects.create(period=period, kind=kind)

    return None, reverse("recruitment:announcement_index"), grow


def application_detail():
    from recruitment.models import ApplicationEvent
    from tests.recruitment.factories_screening import submitted_application

    application = submitted_application(FormationFactory())
    statuses = itertools.cycle(ApplicationEvent.objects.model._meta.get_field("status").choices)

    def grow(n):
        ApplicationEvent.objects.bulk_create(
            ApplicationEvent(application=application, status=next(statuses)[0], note="Catatan")
            for _ in range(n)
        )

    return (
        application.applicant,
        reverse("recruitment:application_detail", args=[application.pk]),
        grow,
    )


# --- forums --------------------------------------------------------------------------------------


def forum_search():
    from forums.models import Topic
    from tests.forums.factories import CommentFactory, TopicFactory

    statuses = itertools.cycle(Topic.Status.values)

    def grow(n):
        for _ in range(n):
            topic = TopicFactory(title=f"Jalan rusak nomor {next(_numbers)}", status=next(statuses))
            CommentFactory(topic=topic)

    return _user(Role.RESIDENT), reverse("forums:topic_list") + "?q=jalan", grow


def unit_options():
    from workforce.models import Sector

    health = Sector.objects.get(slug="kesehatan")

    def grow(n):
        for _ in range(n):
            UnitFactory(sector=health)

    return _user(Role.RESIDENT), reverse("forums:unit_options") + f"?sector={health.pk}", grow


def accountability():
    from forums.models import Topic
    from tests.forums.factories import TopicFactory
    from workforce.models import Sector

    statuses = itertools.cycle(Topic.Status.values)
    sectors = itertools.cycle(Sector.objects.order_by("pk"))  # a row per sector

    def grow(n):
        for _ in range(n):
            TopicFactory(status=next(statuses), sector=next(sectors))

    return None, reverse("forums:accountability"), grow


def moderation_log():
    from forums.models import ModerationAction
    from tests.forums.factories import CommentFactory, TopicFactory

    moderator = _user(Role.MODERATOR, is_staff=True)
    kinds = itertools.cycle(ModerationAction.Kind.values)

    def grow(n):
        for _ in range(n):
            comment = CommentFactory(topic=TopicFactory())
            ModerationAction.objects.create(
                kind=next(kinds),
                topic=comment.topic,
                comment=comment,
                target_user=comment.author,
                moderator=moderator,
                reason="Melanggar aturan",
            )

    return moderator, reverse("forums:moderation_log"), grow


def discussion_sessions():
    from forums.models import DiscussionSession, SessionRegistration
    from workforce.models import Kelurahan, Sector

    organiser = _user(Role.HR, is_staff=True)

    def grow(n):
        for _ in range(n):
            session = DiscussionSession.objects.create(
                title=f"Forum {next(_numbers)}",
                sector=Sector.objects.first(),
                kelurahan=Kelurahan.objects.first(),
                agenda="Agenda",
                starts_at=timezone.now() + timedelta(days=3),
                place="Aula",
                created_by=organiser,
            )
            SessionRegistration.objects.create(session=session, user=_user(Role.RESIDENT))

    return _user(Role.RESIDENT), reverse("forums:session_list"), grow


def ikm_results():
    from forums.models import IkmResponse
    from tests.forums.factories import IkmPeriodFactory

    period = IkmPeriodFactory()

    def grow(n):
        for _ in range(n):
            IkmResponse.objects.create(
                unit=UnitFactory(),
                period=period,
                respondent=_user(Role.RESIDENT),
                **{f"u{k}": 3 for k in range(1, 10)},
            )

    return None, reverse("forums:ikm_results"), grow


# --- privacy, open data --------------------------------------------------------------------------


def my_data():
    from accounts.dataprotection import Purpose
    from privacy.models import Consent, DataRequest, Restriction

    person = _user(Role.APPLICANT)

    def grow(n):
        for _ in range(n):
            Consent.objects.create(
                user=person, purpose=Purpose.values[0], notice_version=str(next(_numbers))
            )
            request = DataRequest.objects.create(
                user=person,
                kind=DataRequest.Kind.RESTRICTION,
                due_at=timezone.now() + timedelta(hours=72),
            )
            Restriction.objects.create(
                user=person,
                category=Restriction.Category.values[0],
                reason="request",
                request=request,
            )

    return person, reverse("privacy:my_data"), grow


def report_list():
    from opendata.models import LeadershipReport

    hr = _user(Role.HR, is_staff=True)

    def grow(n):
        for _ in range(n):
            LeadershipReport.objects.create(
                kind=LeadershipReport.Kind.PERIOD,
                period=SelectionPeriodFactory(documents=False),
                generated_at=timezone.now(),
                generated_by=hr,
            )

    return hr, reverse("opendata:report_list"), grow


def download(slug, extension):
    def case():
        def grow(n):
            from tests.forums.factories import TopicFactory

            for _ in range(n):
                FormationFactory(required=[])
                TopicFactory(unit=UnitFactory())

        return None, f"/data/{slug}.{extension}", grow

    return case


# --- performance, training, workforce ------------------------------------------------------------


def performance_export(name):
    def case():
        from tests.performance.factories import (
            agreed_skp,
            checkpoint,
            cycle,
            final_review,
            team,
        )

        supervisor = _user(Role.EMPLOYEE, Role.SUPERVISOR)
        the_cycle = cycle(2026)
        first = checkpoint(the_cycle)

        def grow(n):
            for _ in range(n):  # a member per unit: the workbook has a row per unit
                _boss, (member,) = team(supervisor, 1, position=PositionFactory())
                final_review(agreed_skp(member, the_cycle, by=supervisor), first, by=supervisor)

        return _user(Role.HR, is_staff=True), reverse(name), grow

    return case


def skp_detail():
    from performance.models import Indicator
    from tests.performance.factories import agreed_skp, cycle, employee_for

    member = employee_for(_user(Role.EMPLOYEE))
    skp = agreed_skp(member, cycle(2026), by=_user(Role.HR, is_staff=True))

    def grow(n):
        Indicator.objects.bulk_create(
            Indicator(skp=skp, description=f"Indikator {next(_numbers)}", target="100%", order=9)
            for _ in range(n)
        )

    return member.user, reverse("performance:skp_detail", args=[skp.pk]), grow


def programme_detail():
    from tests.training.factories import (
        ProgrammeFactory,
        SessionFactory,
        employee_with_user,
        enrolment,
    )

    hr = _user(Role.HR, is_staff=True)
    programme = ProgrammeFactory()

    def grow(n):
        for _ in range(n):
            session = SessionFactory(programme=programme)
            enrolment(session, employee_with_user(), by=hr)
            programme.target_positions.add(PositionFactory())

    return hr, reverse("training:programme_detail", args=[programme.pk]), grow


def public_summary():
    year = PlanningYearFactory(year=timezone.localdate().year)

    def grow(n):
        from tests.factories import EmployeeFactory

        for _ in range(n):
            position = PositionFactory()
            abk_with_minutes(position, year, [80_000])
            EmployeeFactory(position=position)

    return None, reverse("workforce:public_summary"), grow


def proposal_detail():
    from workforce.models import ProposalItem
    from workforce.services.proposals import proposal_create

    hr = _user(Role.HR, is_staff=True)
    year = PlanningYearFactory(year=2026)
    first = PositionFactory()
    abk_with_minutes(first, year, [150_000])
    proposal = proposal_create(
        planning_year=year, title="Usulan", items=[(first, first.asn_type, 1, "Beban")], user=hr
    )

    def grow(n):
        for _ in range(n):
            position = PositionFactory()
            abk_with_minutes(position, year, [150_000])
            ProposalItem.objects.create(
                proposal=proposal,
                position=position,
                asn_type=position.asn_type,
                count=1,
                justification="Beban kerja",
            )

    return hr, reverse("workforce:proposal_detail", args=[proposal.pk]), grow


def employee_export():
    from tests.factories import EmployeeFactory

    def grow(n):
        for _ in range(n):
            EmployeeFactory()

    return _user(Role.HR, is_staff=True), reverse("workforce:employee_export"), grow


def needs_export():
    year = PlanningYearFactory(year=2026)

    def grow(n):
        from tests.factories import EmployeeFactory

        for _ in range(n):
            position = PositionFactory()
            abk_with_minutes(position, year, [80_000])
            EmployeeFactory(position=position)

    return _user(Role.HR, is_staff=True), reverse("workforce:needs_export") + "?year=2026", grow


def abk_edit():
    from workforce.models import AbkTask

    hr = _user(Role.HR, is_staff=True)
    year = PlanningYearFactory(year=2026)
    position = PositionFactory()
    sheet = abk_with_minutes(position, year, [])

    def grow(n):
        AbkTask.objects.bulk_create(
            AbkTask(
                sheet=sheet,
                description=f"Tugas {next(_numbers)}",
                output_unit="kegiatan",
                yearly_volume=1,
                standard_minutes=Decimal(60),
            )
            for _ in range(n)
        )

    return hr, reverse("workforce:abk_edit", args=[position.pk, year.year]), grow


PAGES = {
    "recruitment:hr_appeal_list": hr_appeal_list,
    "recruitment:screening_assignments": screening_assignments,
    "recruitment:scores_home": scores_home,
    "recruitment:optimisation": optimisation,
    "recruitment:hr_application_export": hr_application_export,
    "recruitment:merit_export": merit_export,
    "recruitment:help_index": help_index,
    "recruitment:announcement_index": announcement_index,
    "recruitment:application_detail": application_detail,
    "forums:topic_list?q=": forum_search,
    "forums:unit_options": unit_options,
    "forums:accountability": accountability,
    "forums:moderation_log": moderation_log,
    "forums:session_list": discussion_sessions,
    "forums:ikm_results": ikm_results,
    "privacy:my_data": my_data,
    "opendata:report_list": report_list,
    "opendata:download formations.csv": download("formations", "csv"),
    "opendata:download forum-topics.json": download("forum-topics", "json"),
    "performance:dashboard_export": performance_export("performance:dashboard_export"),
    "performance:ekinerja_export": performance_export("performance:ekinerja_export"),
    "performance:skp_detail": skp_detail,
    "training:programme_detail": programme_detail,
    "workforce:public_summary": public_summary,
    "workforce:proposal_detail": proposal_detail,
    "workforce:abk_edit": abk_edit,
    "workforce:employee_export": employee_export,
    "workforce:needs_export": needs_export,
}


# Pages of totals: more rows change the figures, not the length of the page.
TOTALS = {"workforce:public_summary"}


@pytest.mark.parametrize("page", list(PAGES))
def test_it_reads_the_list_page_in_the_same_queries_at_two_sizes(page_cache_off, client, page):
    user, url, grow = PAGES[page]()
    if user is not None:
        two_factor_login(client, user)
    assert_constant_queries(client, url, grow, sizes=(2, 7), body_grows=page not in TOTALS)
