"""The application status page is kept in the cache (core.pagecache.rendered_part) under
its own application's generation and the one every application page shares. Whatever changes
the page, through a model save, a bulk write or only the clock, its next view must be what a
fresh render shows; and another applicant's write must leave it cached (at the registration
deadline, one upload every second must not throw away everyone's page)."""

import re
from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recruitment.models import AdminResult, Announcement, Appeal, Presence, SelectionPeriod
from recruitment.services import applications as application_services
from recruitment.services.announcements import announcement_publish
from recruitment.services.appeals import appeal_answer, appeal_submit
from recruitment.services.exams import exam_session_create, exam_sessions_assign
from recruitment.services.ranking import rank_period
from recruitment.services.scores import exam_result_update
from tests.factories import ApplicationFactory
from tests.recruitment import factories_scores as scores
from tests.recruitment.factories_selection import (
    closed_period,
    formation_in,
    screened_application,
)
from tests.recruitment.test_documents import jpeg_bytes, pdf_bytes, upload

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.COMPUTED_CACHE_SECONDS = 300


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a write as committed: the generations move on in on_commit callbacks."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run


def view(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return TOKEN.sub("", response.content.decode()), len(queries)


def assert_current(client, url, settings) -> str:
    """The page as served (from the cache when it is there) is the page rendered afresh; it is
    left in the cache for the next step."""
    served, _queries = view(client, url)
    settings.COMPUTED_CACHE_SECONDS = 0
    fresh, _queries = view(client, url)
    settings.COMPUTED_CACHE_SECONDS = 300
    assert served == fresh
    return served


def test_a_repeat_view_is_served_from_the_cache_with_its_own_csrf_token(client_as, applicant):
    application = ApplicationFactory(applicant=applicant)
    client = client_as(applicant)
    url = application.get_absolute_url()
    _first, first_queries = view(client, url)
    second_response = client.get(url)
    _second, second_queries = view(client, url)

    assert second_queries < first_queries
    # The upload forms in the kept part carry this request's token, and it works.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', second_response.text)
    assert token and "\x00" not in second_response.text
    assert second_response.text.count(token.group(1)) >= 1


def test_registration_changes_show_at_once(client_as, settings, commit):
    application = ApplicationFactory()  # with an eligible applicant's profile
    applicant = application.applicant
    period = application.period
    photo = period.document_requirements.get(slug="pas-foto")
    ijazah = period.document_requirements.get(slug="ijazah")
    client = client_as(applicant)
    client.cookies["django_language"] = "en"
    url = application.get_absolute_url()
    assert "Not uploaded yet." in assert_current(client, url, settings)

    commit(upload, application, photo, "foto.jpg", jpeg_bytes())
    assert "Version 1" in assert_current(client, url, settings)
    commit(upload, application, photo, "foto-baru.jpg", jpeg_bytes())
    assert "foto-baru.jpg" in assert_current(client, url, settings)
    commit(upload, application, ijazah, "ijazah.pdf", pdf_bytes())
    assert_current(client, url, settings)

    commit(application_services.application_finalise, application=application, user=applicant)
    application.refresh_from_db()
    page = assert_current(client, url, settings)
    assert application.registration_number in page and "Withdraw this application" in page

    # Only the clock: registration closes (no write moves a generation on).
    SelectionPeriod.objects.filter(pk=period.pk).update(
        registration_closes_at=timezone.now() - timedelta(seconds=1)
    )
    assert "Withdraw this application" not in assert_current(client, url, settings)

    # A formation or period edit shows on every application page.
    position = application.formation.position
    position.name = "Perawat Terampil (diubah)"
    commit(position.save)
    assert "Perawat Terampil (diubah)" in assert_current(client, url, settings)


def test_a_withdrawal_shows_at_once(client_as, settings, commit):
    application = ApplicationFactory()
    applicant = application.applicant
    for slug in application.formation.required_documents.values_list("slug", flat=True):
        requirement = application.period.document_requirements.get(slug=slug)
        content = jpeg_bytes() if requirement.file_format == "jpeg" else pdf_bytes()
        commit(upload, application, requirement, f"{slug}.bin", content)
    commit(application_services.application_finalise, application=application, user=applicant)
    client = client_as(applicant)
    url = application.get_absolute_url()
    assert_current(client, url, settings)

    commit(
        application_services.application_withdraw,
        application=application,
        user=applicant,
        reason="Pindah kota",
    )
    assert "Pindah kota" in assert_current(client, url, settings)


def test_selection_results_show_at_once_bulk_writes_included(
    client_as, applicant, hr, settings, commit
):
    formation = formation_in(closed_period())
    period = formation.period
    application = screened_application(formation, result=AdminResult.TMS, applicant=applicant)
    screened_application(formation)  # another applicant, MS
    client = client_as(applicant)
    client.cookies["django_language"] = "en"
    url = application.get_absolute_url()
    assert "The result will be announced" in assert_current(client, url, settings)

    # Announced yesterday: the appeal window is open today. The results are copied in bulk.
    commit(
        announcement_publish,
        period=period,
        kind=Announcement.Kind.ADMIN,
        actor=hr,
        now=timezone.now() - timedelta(days=1),
    )
    page = assert_current(client, url, settings)
    assert "Send an appeal (sanggah)" in page and "Scan unreadable" in page

    requirement_ids = list(
        application.document_checks.filter(result="TMS").values_list("requirement_id", flat=True)
    )
    commit(
        appeal_submit,
        application=application,
        user=applicant,
        requirement_ids=requirement_ids,
        reason="The scan is readable.",
        confirmed=True,
    )
    page = assert_current(client, url, settings)
    assert "Your appeal (sanggah)" in page and "Send an appeal (sanggah)" not in page
    appeal = Appeal.objects.get(application=application)
    commit(appeal_answer, appeal=appeal, actor=hr, accept=True, answer="", notify=False)
    assert_current(client, url, settings)

    # After the window (only the clock moves): post-appeal results, then an exam session.
    later = timezone.now() + timedelta(days=10)
    commit(
        announcement_publish,
        period=period,
        kind=Announcement.Kind.POST_APPEAL,
        actor=hr,
        now=later,
        notify=False,
    )
    assert "after appeals" in assert_current(client, url, settings)
    session = commit(
        exam_session_create,
        period=period,
        name="Sesi 1",
        location="UPT BKN Palangka Raya",
        address="",
        date=date(2026, 12, 10),
        starts_at=time(8, 0),
        ends_at=time(9, 40),
        capacity=10,
    )
    assert "UPT BKN Palangka Raya" not in assert_current(client, url, settings)
    commit(exam_sessions_assign, period=period, actor=hr, now=later, notify=False)  # bulk
    page = assert_current(client, url, settings)
    assert "UPT BKN Palangka Raya" in page and "Print the exam card" in page
    session.location = "Aula Kecamatan Rakumpit"
    commit(session.save)
    assert "Aula Kecamatan Rakumpit" in assert_current(client, url, settings)


def test_the_appeal_button_follows_the_clock(
    client_as, applicant, hr, settings, commit, monkeypatch
):
    formation = formation_in(closed_period())
    application = screened_application(formation, result=AdminResult.TMS, applicant=applicant)
    # The clock jumps 10 days below: the sign-in must outlive it with any session engine (the
    # database engine checks the expiry against the clock, the cache engine leaves it to Redis).
    settings.SESSION_COOKIE_AGE = 30 * 24 * 3600
    client = client_as(applicant)
    client.cookies["django_language"] = "en"
    url = application.get_absolute_url()
    commit(
        announcement_publish,
        period=formation.period,
        kind=Announcement.Kind.ADMIN,
        actor=hr,
        now=timezone.now() - timedelta(days=1),
        notify=False,
    )
    assert "Send an appeal (sanggah)" in assert_current(client, url, settings)

    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=10))
    assert "Send an appeal (sanggah)" not in assert_current(client, url, settings)


def test_ranking_in_bulk_shows_on_every_applicants_page(client_as, hr, settings, commit):
    period = scores.scored_period()
    formation = scores.formation(period, quota=1)
    first = scores.scored(formation, 120, 100, 180)
    second = scores.scored(formation, 100, 90, 170)
    commit(scores.announce, period)
    client = client_as(second.applicant)
    client.cookies["django_language"] = "en"
    url = second.get_absolute_url()
    assert "Rank" not in assert_current(client, url, settings)

    commit(rank_period, period=period, correction_reason="Skor dihitung ulang.")  # bulk
    ranked = assert_current(client, url, settings)
    # A correction of the other applicant's score changes this one's rank.
    commit(
        exam_result_update,
        application=first,
        actor=hr,
        skd_presence=Presence.PRESENT,
        twk=100,
        tiu=80,
        tkp=120,
        reason="Koreksi TKP",
    )
    assert assert_current(client, url, settings) != ranked


def test_another_applicants_writes_leave_the_page_cached(
    client_as, applicant, other_applicant, settings, commit
):
    mine = ApplicationFactory(applicant=applicant)
    theirs = ApplicationFactory(applicant=other_applicant, formation=mine.formation)
    client = client_as(applicant)
    url = mine.get_absolute_url()
    view(client, url)  # makes the application's generation (see pagecache.pinned)
    view(client, url)  # kept
    _page, cached_queries = view(client, url)

    photo = theirs.period.document_requirements.get(slug="pas-foto")
    commit(upload, theirs, photo, "foto.jpg", jpeg_bytes())
    _page, queries = view(client, url)
    assert queries == cached_queries  # still served from the cache

    commit(upload, mine, photo, "foto.jpg", jpeg_bytes())
    page, queries = view(client, url)
    assert queries > cached_queries and "foto.jpg" in page


def test_hr_and_the_applicant_get_their_own_part(client_as, applicant, hr, settings):
    application = ApplicationFactory(applicant=applicant)
    url = application.get_absolute_url()
    owner_page, _queries = view(client_as(applicant), url)
    hr_page, _queries = view(client_as(hr), url)
    assert 'type="file"' in owner_page
    assert 'type="file"' not in hr_page


def test_a_change_committed_while_the_page_is_rendered_shows_next_time(
    client_as, settings, commit, monkeypatch
):
    """The generations are read before the rows: a page rendered from rows read just before a
    change committed is kept under the generation it was read with, never the new one."""
    from core.pagecache import invalidate
    from recruitment.cache import application_label
    from recruitment.views import applicant as views

    application = ApplicationFactory()
    client = client_as(application.applicant)
    url = application.get_absolute_url()
    view(client, url)
    commit(invalidate, application_label(application.pk))  # the next view renders afresh
    position = application.formation.position
    real = views.access.application_for_user

    def racing(user, pk):
        rows = real(user, pk)  # the rows as they are now...
        position.name = "Nama Jabatan Baru"
        commit(position.save)  # ...then a change commits before the page is rendered
        return rows

    monkeypatch.setattr(views.access, "application_for_user", racing)
    page, _queries = view(client, url)
    assert "Nama Jabatan Baru" not in page  # rendered from the rows read before the change
    monkeypatch.undo()
    assert "Nama Jabatan Baru" in assert_current(client, url, settings)


def test_an_unknown_application_makes_no_generation(client_as, applicant):
    from django.core.cache import cache

    from core.pagecache.generations import generation_key as _generation_key
    from recruitment.cache import application_label

    assert client_as(applicant).get("/recruitment/applications/987654/").status_code == 404
    assert cache.get(_generation_key(application_label(987654))) is None
