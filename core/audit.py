"""The audit trail of personal and decision data: the project's one place for audit helpers.

What is audited, and which fields are masked or left out, each app registers for its own models
in its AppConfig.ready() (`register`, which hands them to django-auditlog), with the path from a
record to its data subject. This module adds:

- `mask_identifier`: the mask for NIK, KK and NIP in log entries (only the last 4 digits stay);
- `mask_personal`: the mask for names, addresses, phones and birth data (replaced whole);
- the scrubber that keeps full identifiers out of every text of a log entry (the object
  representation, an employee's `__str__`, carries the NIP; free text may carry a NIK);
- `audit_forget(objects)`: blanks the recorded values of earlier entries about records whose
  personal data was deleted (deletion requests, the retention job);
- `AuditMiddleware`: auditlog's middleware, with the client address taken the way the rest of the
  portal takes it (the proxy's last X-Forwarded-For entry, not the client-supplied first one);
- `log_access(instance, request)`: an ACCESS entry for a download of personal files;
- `breach_report()`: whose data a time window of the trail touched (through each audited model's
  subject path), for the breach runbook (docs/operations/breach-runbook.md) and
  `manage.py breach_report`.

Not in the trail: `QuerySet.update()` and `bulk_create()` send no model signals, so auditlog does
not see them. The recruitment stage changes made in bulk are recorded by their own decision log
(`recruitment.Decision`, who/when/before/after per application).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from auditlog import get_logentry_model
from auditlog.middleware import AuditlogMiddleware
from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db.models.signals import pre_save
from django.dispatch import receiver

from core.http import client_ip
from core.personaldata import declaration_for

LogEntry = get_logentry_model()

# Reports name their zone: the office, the data subjects and the authority read WIB.
REPORT_TIME_ZONE = ZoneInfo("Asia/Jakarta")
REPORT_TIME_ZONE_LABEL = "WIB (Asia/Jakarta)"

ACTION_NAMES = {
    LogEntry.Action.CREATE: "create",
    LogEntry.Action.UPDATE: "update",
    LogEntry.Action.DELETE: "delete",
    LogEntry.Action.ACCESS: "access",
}

_CHUNK = 2000


# --- masking -------------------------------------------------------------------------------------


def mask_identifier(value: str) -> str:
    """NIK, KK and NIP in a log entry: only the last 4 characters stay, so an entry still tells
    two values apart without holding the number (AUDITLOG_MASK_CALLABLE)."""
    value = "" if value is None else str(value)
    if value in ("", "None"):
        return value
    return "*" * max(len(value) - 4, 4) + value[-4:]


# 15 or more digits in a row: a NIK or KK (16) or a NIP (18), wherever it appears in text.
_LONG_NUMBER = re.compile(r"\d{15,}")


def scrub_identifiers(text: str) -> str:
    return _LONG_NUMBER.sub(lambda match: mask_identifier(match.group()), text or "")


def mask_personal(value: str) -> str:
    """Name, address, phone and birth data in a log entry: replaced whole, with a fixed-length
    mask so the entry still shows that the field changed but not its length or any part of it.
    A NIK or KK (15+ digits) keeps its last 4 digits, like `mask_identifier`, because auditlog
    takes one mask per model and the applicant profile holds both kinds."""
    value = "" if value is None else str(value)
    if value in ("", "None"):
        return value
    if _LONG_NUMBER.fullmatch(value):
        return mask_identifier(value)
    return "*" * 8


def _scrub(value):
    """Every string inside a (JSON) value, with long numbers masked."""
    if isinstance(value, str):
        return scrub_identifiers(value)
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    return value


@receiver(pre_save, sender=LogEntry, dispatch_uid="core.audit.scrub_object_repr")
def _scrub_identifiers_in_entry(sender, instance, **kwargs):
    """Field masks cover the identifier fields; a NIK typed into free text (a forum post, an
    appeal, an outcome) would still reach the log whole. The object representation is the
    record's `__str__`, taken before masking applies (an employee's is "name (NIP)")."""
    instance.object_repr = scrub_identifiers(instance.object_repr)
    instance.changes = _scrub(instance.changes)
    instance.changes_text = scrub_identifiers(instance.changes_text)
    instance.serialized_data = _scrub(instance.serialized_data)


def audit_forget(objects: Iterable, *, fields: Iterable[str] | None = None) -> int:
    """Blank the recorded values of earlier entries about records whose personal data was
    deleted or anonymised (a deletion request, the retention job): the trail must not keep what
    the records no longer hold. What stays: the action, actor, time, content type and object id,
    and the ids of related records (a profile's user, a document's application), which are no
    personal data and let `breach_report` still name whose record it was.

    `objects` holds model instances or (model, pk) pairs. With `fields`, only those fields are
    blanked (a cleared phone number on an account that stays). Returns the entries changed."""
    forget = None if fields is None else set(fields)
    pks_by_type: dict[ContentType, set[str]] = defaultdict(set)
    for item in objects:
        model, pk = item if isinstance(item, tuple) else (type(item), item.pk)
        if pk is not None:
            content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
            pks_by_type[content_type].add(str(pk))
    changed = 0
    for content_type, pks in pks_by_type.items():
        model = content_type.model_class()
        links = {
            f.name for f in model._meta.concrete_fields if f.is_relation and not f.many_to_many
        }
        for chunk in _chunks(sorted(pks)):
            entries = list(LogEntry.objects.filter(content_type=content_type, object_pk__in=chunk))
            for entry in entries:
                changes = entry.changes if isinstance(entry.changes, dict) else {}
                if forget is None:
                    kept = {key: value for key, value in changes.items() if key in links}
                else:
                    kept = {key: value for key, value in changes.items() if key not in forget}
                entry.changes = kept or None
                entry.changes_text = ""
                entry.serialized_data = None
            # bulk_update: log entries are not themselves audited, and sends no pre_save.
            LogEntry.objects.bulk_update(entries, ["changes", "changes_text", "serialized_data"])
            changed += len(entries)
    return changed


# --- who and where -------------------------------------------------------------------------------


class AuditMiddleware(AuditlogMiddleware):
    """Sets the actor (the signed-in user) and the client address on every log entry written
    while a request is handled. Celery tasks and management commands run outside a request:
    their entries have no actor, which the admin shows as "system"."""

    @staticmethod
    def _get_remote_addr(request):
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        # auditlog trusts the first X-Forwarded-For entry, which any client can write.
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        return None


def log_access(instance, request=None):
    """Write an ACCESS entry: `request.user` downloaded or viewed `instance`, a file holding
    personal data. Written directly rather than through `auditlog.signals.accessed`, so that the
    actor comes from the request even outside AuditMiddleware, and a model missing from the
    audit settings is an error instead of a download nobody logged."""
    model = instance.__class__  # not type(): request.user is a lazy wrapper around the User
    if not auditlog.contains(model):
        raise ImproperlyConfigured(
            f"{model._meta.label} is not audited: register it (core.audit.register) in its "
            "app's ready()."
        )
    extra = {}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        extra["actor"] = user
        extra["actor_email"] = user.email
    if request is not None:
        extra["remote_addr"] = client_ip(request)
        match = getattr(request, "resolver_match", None)
        if match is not None:
            extra["additional_data"] = {"view": match.view_name}
    return LogEntry.objects.log_create(
        instance, force_log=True, action=LogEntry.Action.ACCESS, changes=None, **extra
    )


# --- audited models ------------------------------------------------------------------------------

# "app.Model" -> the path from a record to its data subject's user id ("" when the record is the
# user; None when it concerns no single person: an announcement is about a whole period).
_subjects: dict[str, str | None] = {}
DECLARED = object()  # the subject path of the model's personal-data declaration (core.personaldata)
MASK_IDENTIFIER = "core.audit.mask_identifier"
MASK_PERSONAL = "core.audit.mask_personal"


def register(
    model,
    *,
    subject=DECLARED,
    mask_fields: Iterable[str] = (),
    mask: str = MASK_IDENTIFIER,
    exclude_fields: Iterable[str] = (),
    m2m_fields: Iterable[str] = (),
) -> None:
    """Audit every create, update and delete of `model` (called from its app's ready()).
    `mask_fields` are masked with `mask` (MASK_IDENTIFIER keeps the last 4 digits of a NIK, KK
    or NIP; MASK_PERSONAL replaces names, addresses, phones and birth data whole); `subject`:
    the path to the record's data subject, by default the one its personal-data declaration
    gives. No model sets "serialize_data": a serialised copy of the whole record would hold the
    full NIK."""
    if subject is DECLARED:
        declaration = declaration_for(model)
        if declaration is None:
            raise ImproperlyConfigured(
                f"{model._meta.label}: declare its personal data (core.personaldata.declare) "
                "before auditing it, or give the audit its subject path."
            )
        subject = declaration.subject
    auditlog.register(
        model,
        exclude_fields=list(exclude_fields),
        mask_fields=list(mask_fields),
        mask_callable=mask if mask_fields else None,
        m2m_fields=set(m2m_fields),
    )
    _subjects[model._meta.label] = subject


def subject_path(label: str) -> str | None:
    return _subjects[label]


def audited_model_labels() -> list[str]:
    """The "app.Model" labels of the audited models, in the order they registered."""
    return list(_subjects)


def resolve_model_labels(labels: Iterable[str] | None) -> list[str]:
    """Check user-given model names ("recruitment.ApplicantProfile", any case) against the
    audited ones; None or empty: all of them. Unknown names raise ValueError naming the valid."""
    audited = {label.lower(): label for label in audited_model_labels()}
    if not labels:
        return list(audited.values())
    resolved, unknown = [], []
    for label in labels:
        canonical = audited.get(label.strip().lower())
        if canonical is None:
            unknown.append(label)
        elif canonical not in resolved:
            resolved.append(canonical)
    if unknown:
        raise ValueError(
            f"Unknown or unaudited model: {', '.join(unknown)}. "
            f"Audited models: {', '.join(audited.values())}."
        )
    return resolved


# --- breach report -------------------------------------------------------------------------------


@dataclass
class Subject:
    """One data subject with an account, and what the window did to their records."""

    user_id: int
    email: str = ""
    counts: Counter = field(default_factory=Counter)  # (model label, action name) -> entries
    objects: dict = field(default_factory=lambda: defaultdict(set))  # model label -> pks
    first_at: datetime | None = None
    last_at: datetime | None = None

    @property
    def entries(self) -> int:
        return sum(self.counts.values())


@dataclass
class BreachReport:
    since: datetime
    until: datetime
    models: list[str]
    entries: int = 0
    counts: Counter = field(default_factory=Counter)  # (model label, action name) -> entries
    subjects: list[Subject] = field(default_factory=list)
    # Records whose person has no account (an employee without one) or that concern no single
    # person: (model label, action name) -> set of object pks.
    without_user: dict = field(default_factory=lambda: defaultdict(set))


def breach_report(*, since: datetime, until: datetime, models: Iterable[str] | None = None):
    """Everyone whose records the audit trail shows created, changed, deleted or accessed in
    [since, until) on the given audited models (default: all), with counts per model and action.
    Deleted records are traced through their own log entries (create and delete entries hold
    every field), so a deletion still names the person it concerned."""
    labels = resolve_model_labels(models)
    report = BreachReport(since=since, until=until, models=labels)
    content_types = {
        label: ContentType.objects.get_for_model(apps.get_model(label), for_concrete_model=False)
        for label in labels
    }
    label_of = {ct.pk: label for label, ct in content_types.items()}
    rows = (
        LogEntry.objects.filter(
            timestamp__gte=since, timestamp__lt=until, content_type__in=content_types.values()
        )
        .order_by("timestamp", "pk")
        .values_list("content_type_id", "object_pk", "action", "timestamp")
    )
    rows = list(rows.iterator(chunk_size=_CHUNK))
    report.entries = len(rows)
    pks_by_label = defaultdict(set)
    for ct_id, object_pk, _action, _at in rows:
        pks_by_label[label_of[ct_id]].add(object_pk)
    owner = {}  # (label, object_pk) -> user id or None
    for label, pks in pks_by_label.items():
        path = _subjects[label]
        found = {} if path is None else _subjects_of(apps.get_model(label), path, pks)
        owner.update({(label, pk): found.get(pk) for pk in pks})
    subjects: dict[int, Subject] = {}
    for ct_id, object_pk, action, at in rows:
        label, action_name = label_of[ct_id], ACTION_NAMES.get(action, str(action))
        report.counts[label, action_name] += 1
        user_id = owner[label, object_pk]
        if user_id is None:
            report.without_user[label, action_name].add(object_pk)
            continue
        subject = subjects.setdefault(user_id, Subject(user_id=user_id))
        subject.counts[label, action_name] += 1
        subject.objects[label].add(object_pk)
        subject.first_at = subject.first_at or at
        subject.last_at = at
    _fill_emails(subjects)
    report.subjects = sorted(subjects.values(), key=lambda s: s.user_id)
    return report


def _subjects_of(model, path: str, pks: set[str]) -> dict[str, int | None]:
    """object pk (as stored in the log) -> the data subject's user id, following `path`."""
    if path == "":
        return {pk: int(pk) for pk in pks}
    to_python = model._meta.pk.to_python
    found: dict[str, int | None] = {}
    keys = {pk: to_python(pk) for pk in pks}
    by_key = {key: pk for pk, key in keys.items()}
    for chunk in _chunks(list(by_key)):
        for key, user_id in model._base_manager.filter(pk__in=chunk).values_list("pk", path):
            found[by_key[key]] = user_id
    gone = pks - found.keys()
    if gone:
        # Deleted since: read the first hop of the path from the record's own log entries.
        first, _, rest = path.partition("__")
        hop = _last_logged_value(model, gone, first)
        if rest:
            related = model._meta.get_field(first).related_model
            upstream = _subjects_of(related, rest, {v for v in hop.values() if v is not None})
            found.update({pk: upstream.get(value) for pk, value in hop.items()})
        else:
            found.update({pk: int(value) for pk, value in hop.items() if value is not None})
    return found


def _last_logged_value(model, pks: set[str], field_name: str) -> dict[str, str | None]:
    """The last value the log recorded for one (foreign-key) field of each record."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    values: dict[str, str | None] = {}
    for chunk in _chunks(list(pks)):
        entries = (
            LogEntry.objects.filter(content_type=content_type, object_pk__in=chunk)
            .exclude(changes=None)
            .order_by("timestamp", "pk")
            .values_list("object_pk", "changes")
        )
        for object_pk, changes in entries:
            pair = (changes or {}).get(field_name) if isinstance(changes, dict) else None
            if not isinstance(pair, list | tuple) or len(pair) != 2:
                continue
            old, new = (None if v in (None, "None", "") else str(v) for v in pair)
            values[object_pk] = new or old
    return values


def _fill_emails(subjects: dict[int, Subject]) -> None:
    """Current e-mail addresses; for deleted accounts, the last one the trail recorded."""
    ids = list(subjects)
    for chunk in _chunks(ids):
        for user_id, email in (
            get_user_model()._base_manager.filter(pk__in=chunk).values_list("pk", "email")
        ):
            subjects[user_id].email = email
    gone = {str(user_id) for user_id, s in subjects.items() if not s.email}
    if gone:
        for pk, email in _last_logged_value(get_user_model(), gone, "email").items():
            subjects[int(pk)].email = email or ""


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]
