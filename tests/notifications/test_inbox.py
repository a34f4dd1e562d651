"""The inbox: newest first, paged, the unread filter, the bell in the header, opening a
notification (marked read, its link followed only when it is a path of this site), mark all
read, its query budget and both languages."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.models import Category, Notification

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

INBOX = reverse("notifications:inbox")


def _note(user, subject="Pesan", *, minutes_ago=0, read=False, url="", **kwargs):
    created = timezone.now() - timedelta(minutes=minutes_ago)
    return Notification.objects.create(
        recipient=user,
        kind=kwargs.pop("kind", "recruitment.status"),
        category=kwargs.pop("category", Category.RECRUITMENT),
        subject=subject,
        body=kwargs.pop("body", "Isi pesan."),
        url=url,
        created_at=created,
        read_at=created if read else None,
        **kwargs,
    )


def _subjects(response) -> list[str]:
    return [n.subject for n in response.context["page"].object_list]


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def _bell(response) -> str | None:
    html = response.content.decode()
    match = re.search(r"<a [^>]*data-notification-bell[^>]*>(.*?)</a>", html, re.S)
    return match.group(1) if match else None


def _lang(response) -> str:
    return re.search(r'<html lang="([a-z-]+)"', response.content.decode()).group(1)


def test_it_lists_my_notifications_newest_first(client_as, applicant, other_applicant):
    _note(applicant, "Lama", minutes_ago=30)
    _note(applicant, "Baru", minutes_ago=1)
    _note(applicant, "Tengah", minutes_ago=10)
    _note(other_applicant, "Bukan punyaku")
    response = client_as(applicant).get(INBOX)
    assert response.status_code == 200
    assert _subjects(response) == ["Baru", "Tengah", "Lama"]
    assert "Bukan punyaku" not in response.content.decode()


def test_it_pages_by_twenty(client_as, applicant):
    for i in range(23):
        _note(applicant, f"Pesan nomor {i:02d}", minutes_ago=i)
    client = client_as(applicant)
    first = client.get(INBOX)
    assert _subjects(first)[0] == "Pesan nomor 00" and len(_subjects(first)) == 20
    second = client.get(INBOX, {"page": 2})
    assert _subjects(second) == ["Pesan nomor 20", "Pesan nomor 21", "Pesan nomor 22"]
    assert client.get(INBOX, {"page": "x"}).status_code == 200


def test_the_unread_filter_shows_only_unread_and_keeps_it_across_pages(client_as, applicant):
    for i in range(22):
        _note(applicant, f"Belum dibaca {i:02d}", minutes_ago=i)
    _note(applicant, "Sudah dibaca", read=True)
    client = client_as(applicant)
    response = client.get(INBOX, {"show": "unread"})
    assert "Sudah dibaca" not in _subjects(response)
    assert len(_subjects(response)) == 20
    # The pager keeps the filter.
    assert "?show=unread&amp;page=2" in _main(response)
    assert _subjects(client.get(INBOX, {"show": "unread", "page": 2})) == [
        "Belum dibaca 20",
        "Belum dibaca 21",
    ]
    assert "Sudah dibaca" in _subjects(client.get(INBOX))


def test_the_bell_shows_my_unread_count_in_the_header(client_as, applicant, other_applicant):
    for _ in range(3):
        _note(applicant)
    _note(applicant, read=True)
    _note(other_applicant)
    bell = _bell(client_as(applicant).get("/"))
    assert bell is not None
    assert re.search(r"data-unread-count>3<", bell)


def test_the_bell_has_no_count_when_all_is_read(client_as, applicant):
    _note(applicant, read=True)
    bell = _bell(client_as(applicant).get("/"))
    assert bell is not None and "data-unread-count" not in bell


def test_there_is_no_bell_for_anonymous_visitors(client):
    response = client.get("/")
    assert response.status_code == 200
    assert _bell(response) is None


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client_as, applicant):
    note = _note(applicant, url="/recruitment/")
    client = client_as(applicant)
    response = client.get(note.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == "/recruitment/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert _bell(client.get("/")).count("data-unread-count") == 0


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/login",
        "//evil.example/login",
        "/\\evil.example/login",
        "javascript:alert(1)",
        "http:evil.example",
    ],
)
def test_an_external_link_shows_the_message_instead_of_redirecting(client_as, applicant, url):
    note = _note(applicant, "Tautan luar", url=url, body="Isi lengkapnya di sini.")
    response = client_as(applicant).get(note.get_absolute_url())
    assert response.status_code == 200
    assert "Isi lengkapnya di sini." in response.content.decode()
    note.refresh_from_db()
    assert note.read_at is not None


def test_a_notification_without_a_link_shows_the_message(client_as, applicant):
    note = _note(applicant, "Tanpa tautan", body="Baris satu.\nBaris dua.")
    response = client_as(applicant).get(note.get_absolute_url())
    assert response.status_code == 200
    assert "Baris satu.<br>Baris dua." in response.content.decode()


def test_another_persons_notification_is_not_found(client_as, applicant, other_applicant):
    theirs = _note(other_applicant, url="/recruitment/")
    response = client_as(applicant).get(theirs.get_absolute_url())
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_inbox_needs_a_sign_in(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_mark_all_read_marks_only_mine(client_as, applicant, other_applicant):
    mine = [_note(applicant) for _ in range(3)]
    theirs = _note(other_applicant)
    response = client_as(applicant).post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert response["Location"] == INBOX
    assert all(n.read_at for n in Notification.objects.filter(pk__in=[n.pk for n in mine]))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_refuses_a_get(client_as, applicant):
    note = _note(applicant)
    response = client_as(applicant).get(reverse("notifications:read_all"))
    assert response.status_code == 405
    note.refresh_from_db()
    assert note.read_at is None


def _inbox_queries(client, **params) -> list[str]:
    client.get(INBOX, params)  # once first: what a session writes on its first page is not counted
    with CaptureQueriesContext(connection) as queries:
        response = client.get(INBOX, params)
        assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_the_inbox_takes_as_many_queries_for_a_few_as_for_many(
    client_as, applicant, other_applicant, page_cache_off
):
    for i in range(2):
        _note(applicant, minutes_ago=i)
    for i in range(18):
        _note(other_applicant, minutes_ago=i, read=i % 2 == 0)
    few = _inbox_queries(client_as(applicant))
    many = _inbox_queries(client_as(other_applicant))
    assert len(few) == len(many), (few, many)
    unread = _inbox_queries(client_as(other_applicant), show="unread")
    assert len(unread) == len(few), (few, unread)
    assert len(few) <= 10


@pytest.mark.parametrize(
    ("language", "skip_link"), [("id", "Lewati ke isi utama"), ("en", "Skip to main content")]
)
def test_the_inbox_renders_in_both_languages(client_as, applicant, language, skip_link):
    _note(applicant, "Jadwal ujian")
    client = client_as(applicant)
    by_browser = client.get(INBOX, HTTP_ACCEPT_LANGUAGE=language)
    assert by_browser.status_code == 200
    assert _lang(by_browser) == language
    assert skip_link in by_browser.content.decode()
    assert "Jadwal ujian" in by_browser.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    by_cookie = client.get(INBOX, HTTP_ACCEPT_LANGUAGE="en" if language == "id" else "id")
    assert _lang(by_cookie) == language
    preferences = client.get(reverse("notifications:preferences"))
    assert preferences.status_code == 200 and _lang(preferences) == language
