"""Personal data (UU 27/2022 PDP): what each app holds about a person, and how the portal exports,
erases, restricts and retains it. Each app declares its own in its AppConfig.ready() (usually in
`<app>/personal_data.py`); the privacy app carries out people's requests and the retention job
through this registry and imports no domain app.

- `declare(model, ...)`: a model that holds personal data, whose data it is (the path from a
  record to its data subject's account) and what a deletion request does to it. A model of the
  portal with personal fields and no declaration is an error (`undeclared_models`, a system
  check and a test), so a new app cannot forget.
- `register_person(model)`: a model that stands for a person (an employee record): a link to it
  in someone else's export reads "someone else", never their id.
- `register_export`, `register_summary`, `register_eraser`, `register_restrictable`,
  `register_retention`: the app's part of "My data", of a deletion, of a restriction and of the
  nightly retention job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class Erasure:
    """What a deletion request does to a declared model's records."""

    DELETED = "deleted"
    ANONYMISED = "anonymised"
    # Kept under a legal obligation or because the person needs it (their account); said so in
    # the answer to the request, and restricted where the law allows.
    KEPT = "kept"
    # Deleted with the record it belongs to (a document with its application).
    WITH_PARENT = "with parent"


@dataclass(frozen=True)
class Declaration:
    model: type
    # From a record to its data subject's user id: "" when the record is the user, None when it
    # concerns no single person.
    subject: str | None
    fields: tuple[str, ...]
    erasure: str
    note: str = ""

    @property
    def label(self) -> str:
        return self.model._meta.label


_declarations: dict[str, Declaration] = {}
_persons: dict[type, str] = {}


def declare(
    model, *, subject: str | None, fields: Iterable[str], erasure: str, note: str = ""
) -> Declaration:
    names = {f.name for f in model._meta.get_fields()}
    unknown = set(fields) - names
    if unknown:
        raise ValueError(f"{model._meta.label} has no fields {sorted(unknown)}")
    declaration = Declaration(model, subject, tuple(fields), erasure, note)
    _declarations[declaration.label] = declaration
    return declaration


def declaration_for(model) -> Declaration | None:
    return _declarations.get(model._meta.label)


def declarations() -> dict[str, Declaration]:
    return dict(_declarations)


def register_person(model, *, user_field: str = "user") -> None:
    """`model` stands for a person and links to their account through `user_field`."""
    _persons[model] = user_field


# Field names that hold personal data wherever they appear.
PERSONAL_FIELD_NAMES = frozenset(
    {
        "nik",
        "nip",
        "kk_number",
        "applicant_nik",
        "name_on_ktp",
        "full_name",
        "phone",
        "email",
        "address",
        "birth_date",
        "birth_place",
        "ip_address",
        "remote_addr",
    }
)


def personal_fields(model) -> list[str]:
    """The fields of `model` that hold personal data: a link to an account or to a person's
    record, a file (uploads are people's documents and photos), or a field named for personal
    data (NIK, NIP, KK, name on the KTP, phone, address, birth data...)."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found = []
    for model_field in model._meta.concrete_fields:
        related = model_field.related_model if model_field.is_relation else None
        if isinstance(related, str):  # not resolved (a model in an isolated registry)
            related = apps.get_model(related) if "." in related else None
        if (
            related is user_model
            or related in _persons
            or isinstance(model_field, models.FileField)
            or model_field.name in PERSONAL_FIELD_NAMES
        ):
            found.append(model_field.name)
    return found


def _project_apps():
    base = Path(settings.BASE_DIR).resolve()
    for app_config in apps.get_app_configs():
        path = Path(app_config.path).resolve()
        if path.is_relative_to(base) and ".venv" not in path.parts:
            yield app_config


def undeclared_models(candidates=None) -> list[str]:
    """The portal's models (or `candidates`) that hold personal fields but were not declared."""
    if candidates is None:
        candidates = [model for app in _project_apps() for model in app.get_models()]
    return [
        model._meta.label
        for model in candidates
        if personal_fields(model) and model._meta.label not in _declarations
    ]


# --- "My data": the export ---------------------------------------------------------------------


def _value(value):
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class Export:
    """One person's export being built: their own records as plain data, and the list of their
    files to put in the zip."""

    def __init__(self, user):
        self.user = user
        self.files: list[tuple[str, str]] = []  # (storage name, name in the zip)
        self._own: dict[type, int | None] = {}

    def own_pk(self, model) -> int | None:
        """The pk of the person's own record of a person model (their employee record)."""
        if model not in self._own:
            user_field = _persons[model]
            self._own[model] = (
                model.objects.filter(**{user_field: self.user}).values_list("pk", flat=True).first()
            )
        return self._own[model]

    def attach(self, field_file, zip_name) -> str | None:
        if not field_file:
            return None
        self.files.append((field_file.name, zip_name))
        return zip_name

    def record(self, obj, *, exclude=(), extra=None) -> dict:
        """The object's own fields. A link to a person (an account or a person's record) is
        never copied: it becomes "you", "staff" or "someone else". Other links keep their id;
        files are attached by the exporter, not listed here."""
        data = {}
        user_model = apps.get_model(settings.AUTH_USER_MODEL)
        for model_field in obj._meta.concrete_fields:
            name = model_field.name
            if name in exclude:
                continue
            if isinstance(model_field, models.ForeignKey):
                related_id = getattr(obj, model_field.attname)
                if model_field.related_model is user_model:
                    if related_id is not None:
                        data[name] = "you" if related_id == self.user.pk else "staff"
                    continue
                if model_field.related_model in _persons:
                    if related_id is not None:
                        own = self.own_pk(model_field.related_model)
                        data[name] = "you" if related_id == own else "someone else"
                    continue
                data[model_field.attname] = related_id
                continue
            if isinstance(model_field, models.FileField):
                continue
            data[name] = _value(getattr(obj, model_field.attname))
        if extra:
            data.update(extra)
        return data


def has_related(obj, name) -> bool:
    """Whether a reverse one-to-one that may be missing is there (an application's appeal)."""
    try:
        getattr(obj, name)
    except ObjectDoesNotExist:
        return False
    return True


@dataclass(frozen=True)
class _Contribution:
    function: Callable
    order: int
    section: str = ""


_exports: list[_Contribution] = []
_summaries: list[_Contribution] = []
_erasers: list[_Contribution] = []
_restrictables: list[_Contribution] = []


def _add(registry: list, contribution: _Contribution) -> None:
    if contribution not in registry:
        registry.append(contribution)
        registry.sort(key=lambda c: c.order)


def register_export(section: str, build: Callable[[Export], dict | None], *, order: int) -> None:
    """`build(export)` returns the app's keys of `section` of the person's data.json (several
    apps may fill one section; lists under the same key are joined), or None for nothing."""
    _add(_exports, _Contribution(build, order, section))


def export_sections(export: Export) -> dict:
    sections: dict[str, dict | None] = {}
    for contribution in _exports:
        part = contribution.function(export)
        sections.setdefault(contribution.section, None)
        if not part:
            continue
        section = sections[contribution.section] or {}
        for key, value in part.items():
            if isinstance(value, list) and isinstance(section.get(key), list):
                section[key] = section[key] + value
            else:
                section[key] = value
        sections[contribution.section] = section
    return sections


def register_summary(rows: Callable[[object], list[dict]], *, order: int) -> None:
    """`rows(user)`: the app's lines of the "what we hold about you" table: {label, count}."""
    _add(_summaries, _Contribution(rows, order))


def summary_rows(user) -> list[dict]:
    return [row for contribution in _summaries for row in contribution.function(user)]


# --- a deletion request ------------------------------------------------------------------------


@dataclass
class ErasureReport:
    """What a deletion request did, app by app: the person reads it in the answer."""

    deleted: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # "what: why"
    # (restriction category, object id or None, reason): what stays, restricted.
    restricted: list[tuple[str, int | None, str]] = field(default_factory=list)
    # Records a law requires us to keep and go on processing (employment): the deletion is partial.
    kept_by_law: bool = False
    # Records whose earlier audit entries are to be blanked once the erasure is done:
    # (model, pk, fields), fields None for the whole record (core.audit.audit_forget).
    forget: list[tuple[type, int, tuple[str, ...] | None]] = field(default_factory=list)

    def forget_all(self, model, pks) -> None:
        self.forget += [(model, pk, None) for pk in pks]

    def as_text(self) -> str:
        lines = []
        if self.deleted:
            lines.append(_("Deleted or anonymised:"))
            lines += [f"- {item}" for item in self.deleted]
        if self.kept:
            lines.append(_("Kept, and why:"))
            lines += [f"- {item}" for item in self.kept]
        if not lines:
            lines.append(_("The portal held nothing that could be deleted."))
        return "\n".join(lines)


def register_eraser(erase: Callable[..., None], *, order: int) -> None:
    """`erase(user=, report=, now=)`: delete or anonymise what no legal retention requires, and
    say in `report` what was done and what is kept and why. Runs in the request's transaction."""
    _add(_erasers, _Contribution(erase, order))


def erase(*, user, report: ErasureReport, now) -> None:
    for contribution in _erasers:
        contribution.function(user=user, report=report, now=now)


def delete_files_on_commit(names) -> None:
    """Delete stored files once the transaction has committed: a rollback never leaves rows
    pointing at missing files."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("could not delete file %s", name)


# --- a restriction request ---------------------------------------------------------------------


def register_restrictable(records: Callable[[object], list[tuple[str, int | None]]], *, order: int):
    """`records(user)`: what a restriction request flags in this app, as (category, object id
    or None for all of the person's records of that category)."""
    _add(_restrictables, _Contribution(records, order))


def restrictable_records(user) -> list[tuple[str, int | None]]:
    return [item for contribution in _restrictables for item in contribution.function(user)]


# --- retention ---------------------------------------------------------------------------------


@dataclass
class RetentionPlan:
    """What one retention rule would change: counts and the ids, per kind of record."""

    rule: str
    ids: dict[str, list[int]] = field(default_factory=dict)

    def counts(self) -> dict:
        return {kind: len(ids) for kind, ids in self.ids.items()}


@dataclass(frozen=True)
class RetentionRule:
    """A rule of the nightly retention job. `plan(now)` says what it would remove without
    changing anything; `apply(plan, now, say)` removes it (each batch re-checking its rows:
    the plan was made at the start of a run that may take long)."""

    name: str
    plan: Callable[..., RetentionPlan]
    apply: Callable[..., None]


_retention: list[RetentionRule] = []


def register_retention(rule: RetentionRule) -> None:
    if rule not in _retention:
        _retention.append(rule)


def retention_rules() -> tuple[RetentionRule, ...]:
    return tuple(_retention)
