"""Optional error reporting with sentry-sdk (Django and Celery integrations).

Started by settings.py only when SENTRY_DSN is set: without it no client exists and nothing goes
over the network. The portal holds personal data (NIK, names, documents), so an event carries
the stack trace, the request's method, path and request id (tag `request_id`), and nothing a
person typed nor their session: `send_default_pii=False` (no user id, e-mail or address), and
`strip_personal_data` removes request bodies, cookies, the query string and every header but a
few harmless ones.
"""

from django.core.exceptions import ImproperlyConfigured
from django_guid import get_guid

# Headers an event may keep: they help to reproduce an error and say nothing about the person.
KEPT_HEADERS = frozenset({"accept", "accept-language", "content-type", "host", "x-request-id"})


def strip_personal_data(event: dict, hint: dict | None = None) -> dict:
    """sentry-sdk's before_send (and before_send_transaction): drops what could hold personal
    data and tags the event with the request id."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value for name, value in headers.items() if name.lower() in KEPT_HEADERS
            }
    event.pop("user", None)
    # The request (or task) id, to find the event's log lines. (django-guid's own Sentry
    # integration sets its tag in a scope that closes at once with sentry-sdk 2.)
    request_id = get_guid()
    tags = event.setdefault("tags", {})
    if request_id and isinstance(tags, dict):
        tags["request_id"] = request_id
    return event


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: float = 0.0) -> bool:
    """Start the client when `dsn` is set; return whether it was started."""
    if not dsn:
        return False
    if not 0.0 <= traces_sample_rate <= 1.0:
        raise ImproperlyConfigured("SENTRY_TRACES_SAMPLE_RATE must be between 0 and 1.")
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        # A stack frame's local variables hold NIKs, names, form data and e-mail bodies.
        include_local_variables=False,
        # Breadcrumbs would carry SQL statements and log lines from before the error: none.
        max_breadcrumbs=0,
        before_send=strip_personal_data,
        before_send_transaction=strip_personal_data,
        traces_sample_rate=traces_sample_rate,
    )
    return True
