"""Channels: how an outbox message (core.outbox) leaves the portal. E-mail goes through Django's
own e-mail backend (EMAIL_BACKEND); SMS and WhatsApp go through the backend named for their
channel in `NOTIFICATION_CHANNELS`, configured like Django's e-mail backends:

    NOTIFICATION_CHANNELS = {
        "sms": {"BACKEND": "core.channels.HttpGatewayBackend",
                "OPTIONS": {"url": "https://gateway.example/send", "secret": "...",
                            "timeout": 10, "per_second": 20}},
        "whatsapp": {"BACKEND": "core.channels.ConsoleBackend"},
    }

A backend opens once per delivery run, sends one message at a time and returns the provider's
message id; it raises `TemporaryFailure` (the message waits and is tried again with a growing
wait) or `PermanentFailure` (the message is failed for good at once, e.g. a refused number).

**The HTTP gateway contract** (most Indonesian SMS/WhatsApp gateways take this shape; an adapter
in front of one that does not is a few lines). The portal POSTs JSON

    {"reference": "<outbox id>", "channel": "sms" | "whatsapp", "to": "+6281234567890",
     "text": "...", "language": "id" | "en"}

with `Content-Type: application/json`, `Idempotency-Key: <reference>` (a gateway that honours it
sends a retried message once) and `X-Rakumpit-Signature: sha256=<hex HMAC-SHA256 of the raw body
with the shared secret>`. A 2xx answer carrying JSON `{"message_id": "<gateway's id>"}` means
accepted; 5xx, 429, a timeout, a refused connection, a 2xx without a message id or a redirect
(never followed) means try again later; any other 4xx means the message itself is refused
(failed for good). Delivery receipts come back signed the same way (notifications.views.receipt).

Why not a library: the SMS libraries for Django (django-sms, django-phonenumber-field's
companions) each wrap particular vendors; the portal needs one neutral, signed JSON contract,
which is a `requests.post`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from pathlib import Path

import requests
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Rakumpit-Signature"


class TemporaryFailure(Exception):
    """The channel failed this time (down, slow, overloaded, garbage answer): try again later."""


class PermanentFailure(Exception):
    """The channel refused this message for good (a bad number, a rejected text)."""


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str | None) -> bool:
    """Constant-time check of a signature header against the body (False without a secret)."""
    if not secret or not signature:
        return False
    # As bytes: compare_digest refuses str with non-ASCII characters (a forged header's "é").
    given = signature.strip().encode("utf-8", "replace")
    return hmac.compare_digest(sign(secret, body).encode(), given)


class BaseBackend:
    channel = ""

    def __init__(self, channel: str = "", **options):
        self.channel = channel or self.channel
        self.options = options
        per_second = float(options.get("per_second") or 0)
        self._interval = 1 / per_second if per_second > 0 else 0.0
        self._last = 0.0

    def open(self) -> None:
        """Called once per run; raise TemporaryFailure when the channel cannot be reached."""

    def close(self) -> None:
        pass

    def throttle(self) -> None:
        """At most `per_second` sends per second from one run (one delivery worker runs)."""
        if self._interval:
            wait = self._last + self._interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last = time.monotonic()

    def send(self, row) -> str:
        """Send one outbox row; return the provider's message id ("" when it has none)."""
        raise NotImplementedError


class EmailBackend(BaseBackend):
    """E-mail through Django's EMAIL_BACKEND, one connection per run."""

    channel = "email"

    def open(self) -> None:
        self.connection = get_connection()
        try:
            self.connection.open()
        except Exception as exc:  # the mail server is unreachable: all wait
            raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        try:
            self.connection.close()
        except Exception:  # closing a broken SMTP connection must not hide what happened
            logger.debug("Closing the mail connection failed.", exc_info=True)

    def send(self, row) -> str:
        message = EmailMultiAlternatives(
            row.subject,
            row.body,
            from_email=row.from_email or None,
            to=row.to,
            headers=row.headers or None,
            alternatives=[tuple(a) for a in row.alternatives] or None,
        )
        message.content_subtype = row.content_subtype or "plain"
        self.connection.send_messages([message])
        return ""


def payload(row) -> dict:
    return {
        "reference": str(row.pk),
        "channel": row.channel,
        "to": row.to[0] if row.to else "",
        "text": row.body,
        "language": (row.headers or {}).get("Content-Language", ""),
    }


class HttpGatewayBackend(BaseBackend):
    """The signed JSON contract above, over one pooled HTTP session per run."""

    def open(self) -> None:
        if not self.options.get("url") or not self.options.get("secret"):
            raise TemporaryFailure(f"The {self.channel} gateway has no url or secret configured.")
        self.session = requests.Session()

    def close(self) -> None:
        self.session.close()

    def send(self, row) -> str:
        body = json.dumps(payload(row), ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": str(row.pk),
            SIGNATURE_HEADER: sign(self.options["secret"], body),
        }
        try:
            response = self.session.post(
                self.options["url"],
                data=body,
                headers=headers,
                timeout=float(self.options.get("timeout") or 10),
                # Never re-sent elsewhere: a 302/303 would turn the POST into a body-less GET
                # whose 200 could pass for "accepted", and a redirect may leave for another host.
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc
        status = response.status_code
        if status >= 500 or status == 429:
            raise TemporaryFailure(f"HTTP {status}: {response.text[:200]}")
        if status >= 400:
            raise PermanentFailure(f"HTTP {status}: {response.text[:200]}")
        if not 200 <= status < 300:  # a redirect (not followed) or a stray 1xx: not accepted
            raise TemporaryFailure(f"HTTP {status} is not an acceptance")
        try:
            message_id = response.json()["message_id"]
        except (ValueError, KeyError, TypeError) as exc:
            raise TemporaryFailure(
                f"HTTP {status} without a message id: {response.text[:200]}"
            ) from exc
        # PostgreSQL text cannot hold NUL: a garbage id would fail the "sent" update.
        if isinstance(message_id, str):
            message_id = message_id.replace("\x00", "")
        if (
            not isinstance(message_id, (str, int))
            or isinstance(message_id, bool)
            or not str(message_id).strip()
        ):
            raise TemporaryFailure(f"HTTP {status} with an empty message id")
        return str(message_id)[:100]


class ConsoleBackend(BaseBackend):
    """Development: print each message (as Django's console e-mail backend does)."""

    def send(self, row) -> str:
        print(json.dumps(payload(row), ensure_ascii=False), flush=True)
        return f"console-{row.pk}"


class FileBackend(BaseBackend):
    """Development: append each message as a JSON line to `<path>/<channel>.jsonl`."""

    def send(self, row) -> str:
        folder = Path(self.options.get("path") or Path(settings.VAR_DIR) / "messages")
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / f"{self.channel}.jsonl", "a", encoding="utf-8") as out:
            out.write(json.dumps(payload(row), ensure_ascii=False) + "\n")
        return f"file-{row.pk}"


# What LocmemBackend sent, per channel (tests read it like django.core.mail.outbox).
sent: dict[str, list[dict]] = {}


class LocmemBackend(BaseBackend):
    """Tests: keep each message in `core.channels.sent[channel]`."""

    def send(self, row) -> str:
        sent.setdefault(self.channel, []).append(payload(row))
        return f"locmem-{row.pk}"


def configured(channel: str) -> dict:
    return (getattr(settings, "NOTIFICATION_CHANNELS", {}) or {}).get(channel) or {}


def available(channel: str) -> bool:
    """Whether people may choose this channel (e-mail always; others when configured)."""
    return channel == "email" or bool(configured(channel).get("BACKEND"))


def get_backend(channel: str) -> BaseBackend:
    if channel == "email":
        return EmailBackend("email")
    config = configured(channel)
    if not config.get("BACKEND"):
        raise TemporaryFailure(f"No backend is configured for the {channel} channel.")
    return import_string(config["BACKEND"])(channel, **(config.get("OPTIONS") or {}))
