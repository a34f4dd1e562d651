"""The public page cache: anonymous visitors are served from it, a committed change shows at
once, signed-in people never see a shared page, and each visitor gets a CSRF token of their own."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.pagecache import HEADER
from tests.factories import FormationFactory
from tests.forums.factories import TopicFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60


def get(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return response, len(queries)


def test_it_serves_the_second_visit_from_the_cache_without_the_database(client):
    FormationFactory()
    url = reverse("recruitment:vacancy_list")
    first, first_queries = get(client, url)
    client.cookies.clear()
    second, second_queries = get(client, url)
    assert first[HEADER] == "miss" and second[HEADER] == "hit"
    assert first_queries > 0 and second_queries == 0
    assert TOKEN.sub("", first.text) == TOKEN.sub("", second.text)


@pytest.mark.pagecache_on_commit
def test_a_saved_change_shows_at_once(client, django_capture_on_commit_callbacks):
    formation = FormationFactory()
    url = reverse("recruitment:vacancy_detail", args=[formation.pk])
    get(client, url)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        formation.position.name = "Bidan Ahli Pertama (diubah)"
        formation.position.save()
    assert callbacks  # the generation moves on only once the change is committed
    client.cookies.clear()
    response, _queries = get(client, url)
    assert response[HEADER] == "miss"
    assert "Bidan Ahli Pertama (diubah)" in response.text


def test_a_new_forum_topic_shows_at_once_in_the_list(client, django_capture_on_commit_callbacks):
    TopicFactory(title="Topik pertama")
    url = reverse("forums:topic_list")
    assert "Topik pertama" in get(client, url)[0].text
    with django_capture_on_commit_callbacks(execute=True):
        TopicFactory(title="Topik kedua yang baru")
    client.cookies.clear()
    assert "Topik kedua yang baru" in get(client, url)[0].text


@pytest.mark.pagecache_on_commit
def test_an_uncommitted_change_moves_nothing_on(client):
    formation = FormationFactory()
    url = reverse("recruitment:vacancy_detail", args=[formation.pk])
    get(client, url)
    formation.position.name = "Belum disimpan"
    formation.position.save()  # inside the test's transaction: not committed
    client.cookies.clear()
    assert get(client, url)[0][HEADER] == "hit"


def test_bulk_writes_move_the_pages_on_by_themselves(client, django_capture_on_commit_callbacks):
    """update(), bulk_create() and bulk_update() send no model signal; the tracked QuerySet of
    every model of a cached app reports them: no code has to remember to invalidate."""
    from workforce.models import Kelurahan

    formation = FormationFactory(quota=3)
    url = reverse("recruitment:vacancy_detail", args=[formation.pk])
    get(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        type(formation).objects.filter(pk=formation.pk).update(quota=7)
    client.cookies.clear()
    response, _queries = get(client, url)
    assert response[HEADER] == "miss"
    client.cookies.clear()
    assert get(client, url)[0][HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        Kelurahan.objects.bulk_create([Kelurahan(name="Kelurahan Baru", slug="kelurahan-baru")])
    client.cookies.clear()
    assert get(client, url)[0][HEADER] == "miss"  # the vacancy page shows workforce's names too
    kelurahan = formation.position.unit.kelurahan
    kelurahan.name = "Diubah Massal"
    client.cookies.clear()
    get(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        Kelurahan.objects.bulk_update([kelurahan], ["name"])
    client.cookies.clear()
    assert get(client, url)[0][HEADER] == "miss"


def test_an_update_that_changes_nothing_moves_nothing(client, django_capture_on_commit_callbacks):
    formation = FormationFactory(quota=3)
    url = reverse("recruitment:vacancy_detail", args=[formation.pk])
    get(client, url)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        type(formation).objects.filter(pk=-1).update(quota=7)
    assert not callbacks
    client.cookies.clear()
    assert get(client, url)[0][HEADER] == "hit"


def test_each_language_has_its_own_page(client):
    url = reverse("recruitment:vacancy_list")
    indonesian, _q = get(client, url, HTTP_ACCEPT_LANGUAGE="id")
    client.cookies.clear()
    english, _q = get(client, url, HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="id"' in indonesian.text
    assert '<html lang="en"' in english.text


def test_signed_in_people_always_get_their_own_page(client, applicant):
    url = reverse("recruitment:vacancy_list")
    get(client, url)
    client.force_login(applicant)
    response, queries = get(client, url)
    assert HEADER not in response
    assert queries > 0


def test_public_pages_carry_no_token_and_switch_language_with_a_link(client):
    """Kept pages are the same for every visitor: the language switch of a visitor who is not
    signed in is a link (a GET that sets this browser's cookie), so no page holds a token."""
    url = reverse("recruitment:vacancy_list")
    get(client, url)
    client.cookies.clear()
    response, _q = get(client, url)
    assert response[HEADER] == "hit"
    assert "csrfmiddlewaretoken" not in response.text
    assert "csrftoken" not in response.cookies  # nothing per visitor is made for a kept page
    link = reverse("set_language") + f"?language=en&amp;next={url.replace('/', '%2F')}"
    assert link in response.text
    switched = client.get(reverse("set_language"), {"language": "en", "next": url})
    assert switched.status_code == 302 and switched["Location"] == url
    assert client.cookies["django_language"].value == "en"
    assert '<html lang="en"' in client.get(url).text


def test_the_language_link_goes_nowhere_else(client):
    response = client.get(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    response = client.get(reverse("set_language"), {"language": "xx", "next": "/"})
    assert "django_language" not in response.cookies


def test_a_public_page_with_a_form_that_posts_is_never_kept(rf, settings):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from core.pagecache import public_page

    calls = []

    @public_page("workforce")
    def view(request):
        calls.append(1)
        token = 'name="csrfmiddlewaretoken" value="secret"'
        return HttpResponse(f"<form method=post><input {token}></form>")

    for _ in range(2):
        request = rf.get("/with-a-form/")
        request.user = AnonymousUser()
        response = view(request)
        assert HEADER not in response
    assert len(calls) == 2


def test_it_never_stores_a_page_with_a_message(client):
    url = reverse("recruitment:vacancy_list")
    client.cookies["messages"] = "x"
    get(client, url)
    del client.cookies["messages"]
    assert get(client, url)[0][HEADER] == "miss"


def test_a_computed_value_is_kept_until_its_apps_change(
    settings, django_capture_on_commit_callbacks
):
    from core.pagecache import remember
    from tests.factories import UnitFactory

    settings.COMPUTED_CACHE_SECONDS = 300
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert remember("answer", ("workforce",), compute) == 1
    assert remember("answer", ("workforce",), compute) == 1
    assert remember("other", ("workforce",), compute) == 2  # another name, another value
    with django_capture_on_commit_callbacks(execute=True):
        UnitFactory()
    assert remember("answer", ("workforce",), compute) == 3
    settings.COMPUTED_CACHE_SECONDS = 0
    assert remember("answer", ("workforce",), compute) == 4  # off: computed every time


def test_private_writes_leave_the_public_pages_cached(client, django_capture_on_commit_callbacks):
    """Near a deadline applicants save drafts and upload documents all the time: no public page
    shows those, so they do not empty the cache; a finalised application changes the counts."""
    from recruitment.models import Application
    from tests.factories import ApplicantProfileFactory, ApplicationFactory

    formation = FormationFactory()
    url = reverse("recruitment:vacancy_detail", args=[formation.pk])
    get(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        ApplicantProfileFactory()
        draft = ApplicationFactory(formation=formation, period=formation.period)
    client.cookies.clear()
    assert get(client, url)[0][HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        draft.status = Application.Status.SUBMITTED
        draft.save()
    client.cookies.clear()
    assert get(client, url)[0][HEADER] == "miss"


def test_a_withdrawal_updates_the_counts_at_once(client, django_capture_on_commit_callbacks):
    """Withdrawal changes the status with a conditional UPDATE (no model signal): the service
    invalidates the recruitment pages itself."""
    from recruitment.models import Application
    from recruitment.services.applications import application_withdraw
    from tests.factories import ApplicantProfileFactory, ApplicationFactory

    formation = FormationFactory()
    profile = ApplicantProfileFactory()
    application = ApplicationFactory(
        applicant=profile.user,
        formation=formation,
        period=formation.period,
        status=Application.Status.SUBMITTED,
    )
    url = reverse("recruitment:vacancy_detail", args=[formation.pk])
    get(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        application_withdraw(application=application, user=profile.user, reason="")
    client.cookies.clear()
    assert get(client, url)[0][HEADER] == "miss"


def test_hrs_needs_map_is_kept_until_the_workforce_changes(
    client_as, hr, settings, django_capture_on_commit_callbacks
):
    """The signed-in part cache: a repeat view skips the page's own queries, a committed change
    shows at once, the key holds the query string, the language and the visitor's roles."""
    from tests.factories import PlanningYearFactory, PositionFactory, abk_with_minutes
    from workforce.models import AsnType

    settings.COMPUTED_CACHE_SECONDS = 300
    position = PositionFactory(name="Perawat Jaga Malam", asn_type=AsnType.PNS)
    abk_with_minutes(position, PlanningYearFactory(year=2026), [90_000])
    client = client_as(hr)
    url = reverse("workforce:needs_map") + "?year=2026"
    first, first_queries = get(client, url)
    second, second_queries = get(client, url)
    assert "Perawat Jaga Malam" in first.text
    assert TOKEN.sub("", second.text) == TOKEN.sub("", first.text)
    assert second_queries < first_queries

    with django_capture_on_commit_callbacks(execute=True):
        position.name = "Perawat Jaga Malam (diubah)"
        position.save()
    assert "Perawat Jaga Malam (diubah)" in get(client, url)[0].text

    # Another query string, another part: the filter is applied, not the cached page.
    filtered, _queries = get(client, url + f"&asn_type={AsnType.PPPK}")
    assert "Perawat Jaga Malam (diubah)" not in filtered.text
    # Another language, another part.
    english, _queries = get(client, url, HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="en"' in english.text and "Staffing needs map" in english.text


def test_a_kept_part_with_a_form_carries_each_visitors_own_token(rf, hr, settings):
    """A part with a form that posts is kept with a placeholder for its CSRF token: each request
    gets a token of its own (the same secret, masked afresh), never another visitor's."""
    from django.middleware.csrf import _unmask_cipher_token

    from core.pagecache import rendered_part

    settings.COMPUTED_CACHE_SECONDS = 300
    tokens, contexts = [], []

    def context():
        contexts.append(1)
        return {}

    for _ in range(2):
        request = rf.get("/")
        request.user = hr
        request.META["CSRF_COOKIE"] = "a" * 32
        html = rendered_part(
            request, "with-a-form", ("workforce",), "_language_switcher.html", context
        )
        tokens.append(TOKEN.search(html).group(1))
        assert "\x00" not in html
    assert len(contexts) == 1  # the second request was served the kept part
    assert tokens[0] != tokens[1]
    assert _unmask_cipher_token(tokens[1]) == "a" * 32  # this request's own secret


def test_hrs_application_list_shows_drafts_and_profile_changes_at_once(
    client_as, hr, settings, django_capture_on_commit_callbacks
):
    """Drafts and profiles move no public page on, but HR's list shows them: its part is kept
    under "recruitment:all", which every change of the app moves on."""
    from tests.factories import ApplicantProfileFactory, ApplicationFactory

    settings.COMPUTED_CACHE_SECONDS = 300
    formation, other = FormationFactory(), FormationFactory()
    client = client_as(hr)
    url = reverse("recruitment:hr_application_list", args=[formation.pk])
    other_url = reverse("recruitment:hr_application_list", args=[other.pk])
    assert (
        "No applications match these filters."
        in get(client, url, HTTP_ACCEPT_LANGUAGE="en")[0].text
    )

    profile = ApplicantProfileFactory(name_on_ktp="Sari Draf")
    with django_capture_on_commit_callbacks(execute=True):
        ApplicationFactory(formation=formation, applicant=profile.user)  # a draft
    page, _queries = get(client, url)
    assert "Sari Draf" in page.text
    assert "Sari Draf" not in get(client, other_url)[0].text  # another path, another part

    with django_capture_on_commit_callbacks(execute=True):
        profile.name_on_ktp = "Sari Diubah"
        profile.save()
    assert "Sari Diubah" in get(client, url)[0].text


def test_one_request_computes_while_the_others_get_the_previous_value(settings, monkeypatch):
    """Past its time, a value is computed again by one request; another request meanwhile is
    answered with the previous value instead of computing it too (no pile-up under load)."""
    from core.pagecache import store as pagecache

    settings.COMPUTED_CACHE_SECONDS = 300
    clock = [1_000_000.0]
    monkeypatch.setattr(pagecache.time, "time", lambda: clock[0])
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert pagecache.remember("busy", ("workforce",), compute) == 1
    clock[0] += 301  # older than COMPUTED_CACHE_SECONDS, still stored
    seen_meanwhile = []

    def recompute():
        # Another request arrives while this one computes: it gets the previous value.
        seen_meanwhile.append(pagecache.remember("busy", ("workforce",), compute))
        return compute()

    assert pagecache.remember("busy", ("workforce",), recompute) == 2
    assert seen_meanwhile == [1] and len(calls) == 2
    assert pagecache.remember("busy", ("workforce",), compute) == 2  # fresh again


def test_a_missing_value_is_awaited_from_the_request_computing_it(settings, monkeypatch):
    from django.core.cache import cache

    from core.pagecache import store as pagecache

    settings.COMPUTED_CACHE_SECONDS = 300
    monkeypatch.setattr(pagecache, "COMPUTING_WAIT_SECONDS", 1)
    sleeps = []
    key = pagecache._value_key("awaited", ("workforce",))
    cache.add(key + ":computing", 1, 60)  # another request is computing it
    # While this one waits, the request holding the lock stores its value.
    monkeypatch.setattr(
        pagecache.time,
        "sleep",
        lambda seconds: (
            sleeps.append(seconds),
            cache.set(key, ("theirs", pagecache.time.time() + 300), 600),
        ),
    )
    assert pagecache.remember("awaited", ("workforce",), lambda: "mine") == "theirs"
    assert sleeps  # it waited instead of computing


def test_a_waiter_computes_at_once_when_the_holder_gave_up(settings, monkeypatch):
    """The request holding the lock failed (its lock is gone, no value stored): a waiting request
    takes the lock and computes instead of waiting out COMPUTING_WAIT_SECONDS."""
    from django.core.cache import cache

    from core.pagecache import store as pagecache

    settings.COMPUTED_CACHE_SECONDS = 300
    lock = pagecache._value_key("given-up", ("workforce",)) + ":computing"
    cache.add(lock, "the holder's", 60)
    sleeps = []
    monkeypatch.setattr(
        pagecache.time, "sleep", lambda seconds: (sleeps.append(seconds), cache.delete(lock))
    )
    assert pagecache.remember("given-up", ("workforce",), lambda: "mine") == "mine"
    assert len(sleeps) == 1
    assert cache.get(lock) is None  # released by this request, which held it


def test_an_account_name_change_shows_on_hrs_list_at_once(
    client_as, hr, settings, django_capture_on_commit_callbacks
):
    from tests.factories import ApplicationFactory

    settings.COMPUTED_CACHE_SECONDS = 300
    application = ApplicationFactory()
    application.applicant.applicant_profile.name_on_ktp = ""  # the account's name is shown
    application.applicant.applicant_profile.save()
    client = client_as(hr)
    url = reverse("recruitment:hr_application_list", args=[application.formation_id])
    get(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        application.applicant.full_name = "Nama Akun Baru"
        application.applicant.save()
    assert "Nama Akun Baru" in get(client, url)[0].text


def test_a_migrate_moves_every_generation_on():
    """Rows a data migration writes send no model signal: no page kept from before is served."""
    from django.core.management import call_command

    from core.pagecache import cached_apps
    from core.pagecache.generations import current

    labels = [label for app in cached_apps() for label in (app, f"{app}:all")]
    before = current(labels)
    call_command("migrate", verbosity=0)
    after = current(labels)
    assert all(old != new for old, new in zip(before, after, strict=True))
