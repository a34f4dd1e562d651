"""Request ids (issue 22, core/logs.py, django-guid): taken from a valid X-Request-ID or made,
echoed in the response, on every log line of the request, passed on to the Celery tasks it
starts; and the JSON log line's shape."""

import io
import json
import logging
import re
import uuid

import pytest
from celery.signals import before_task_publish
from django_guid import clear_guid, get_guid, set_guid

from core.logs import JsonLineFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db

HEX_ID = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def console():
    """What the configured console handler (settings.LOGGING) writes during the test."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RequestIdFilter) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_it_echoes_a_valid_incoming_request_id(client):
    given = str(uuid.uuid4())
    response = client.get("/healthz", HTTP_X_REQUEST_ID=given)
    assert response["X-Request-ID"] == given


def test_it_accepts_nginx_style_hex_ids(client):
    given = uuid.uuid4().hex
    assert client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given


def test_it_makes_an_id_when_none_is_sent(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert HEX_ID.match(first), first
    assert HEX_ID.match(second), second
    assert first != second


@pytest.mark.parametrize(
    "bad",
    ["not-a-uuid", "x" * 300, "1234", "abc\r\nSet-Cookie: a=b", "<script>alert(1)</script>"],
)
def test_it_replaces_an_invalid_incoming_id(client, bad):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=bad)
    assert response["X-Request-ID"] != bad
    assert HEX_ID.match(response["X-Request-ID"])


def test_it_puts_the_request_id_on_the_requests_log_lines(client, console):
    given = uuid.uuid4().hex
    # A missing page: django.request logs "Not Found" while the request is being answered.
    response = client.get("/no-such-page-for-the-log/", HTTP_X_REQUEST_ID=given)
    assert response.status_code == 404
    lines = [line for line in console.getvalue().splitlines() if line.strip()]
    about_it = [line for line in lines if "no-such-page-for-the-log" in line]
    assert about_it, lines
    assert all(given in line for line in about_it), about_it


def test_it_marks_lines_outside_a_request_with_a_dash():
    clear_guid()
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    assert RequestIdFilter().filter(record)
    assert record.request_id == "-"


def test_it_writes_one_json_object_a_line():
    set_guid("0123456789abcdef0123456789abcdef")
    try:
        record = logging.LogRecord("core.redis", logging.WARNING, __file__, 1, "a %s", ("b",), None)
        RequestIdFilter().filter(record)
        line = JsonLineFormatter().format(record)
    finally:
        clear_guid()
    assert "\n" not in line
    data = json.loads(line)
    assert data["message"] == "a b"
    assert data["level"] == "WARNING"
    assert data["logger"] == "core.redis"
    assert data["request_id"] == "0123456789abcdef0123456789abcdef"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$", data["time"])


def test_it_sends_the_request_id_with_the_tasks_a_request_starts():
    set_guid("fedcba9876543210fedcba9876543210")
    headers = {}
    try:
        # What Celery sends just before it publishes a task (django-guid's Celery integration).
        before_task_publish.send(sender="core.tasks.clear_expired_sessions", headers=headers)
    finally:
        clear_guid()
    assert headers["X-Request-ID"] == "fedcba9876543210fedcba9876543210"
    assert get_guid() is None
