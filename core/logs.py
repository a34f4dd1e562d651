"""Log lines that say which request (or task) wrote them, as JSON in production.

The request id comes from django-guid's middleware (first in settings.MIDDLEWARE): it takes an
incoming `X-Request-ID` when that is a UUID (hex with or without hyphens, e.g. nginx's
`$request_id`), replaces anything else with a fresh one (logging a warning), answers with it in
the response's `X-Request-ID`, and its Celery integration sends it along with every task the
request starts, so the worker's lines carry the same id. `RequestIdFilter` puts it on every
record a handler emits ("-" outside a request or task).

`LOG_FORMAT=json` (the default with DEBUG off) writes one JSON object a line:

    {"time": "2026-12-06T23:41:07.123+07:00", "level": "WARNING", "logger": "core.redis",
     "message": "Redis cache unreachable: pages render from the database.",
     "request_id": "3f0c9e1b6a2d4c8e9b7a5d4c3b2a1f0e", "process": 4242}

and `LOG_FORMAT=plain` (the default with DEBUG on) the same fields for a person to read.
"""

import logging
from datetime import datetime

from django_guid import get_guid
from pythonjsonlogger.json import JsonFormatter

# What the plain format prints; the JSON formatter names the same fields.
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (django-guid's id of the running request or Celery task) to a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = get_guid() or "-"
        return True


class JsonLineFormatter(JsonFormatter):
    """One JSON object a line with stable key names (time, level, logger, message, request_id,
    process) plus whatever a call passes in `extra=`; exceptions under `exc_info`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "fmt", ["asctime", "levelname", "name", "message", "request_id", "process"]
        )
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        kwargs.setdefault("timestamp", False)
        super().__init__(*args, **kwargs)

    def formatTime(self, record, datefmt=None):
        # ISO 8601 with milliseconds and the offset, whatever the server's locale.
        moment = datetime.fromtimestamp(record.created).astimezone()
        return moment.isoformat(timespec="milliseconds")
