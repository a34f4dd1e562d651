"""What each app's changes move on: the apps register their own policy at start-up
(`AppConfig.ready()`), so the page cache names no app.

Every cached app has two generations: "<app>" (its public pages) and "<app>:all" (pages that also
show its private rows: HR's). A change of a private model, of a row a policy calls private (a
draft), or of private fields only moves "<app>:all" on. A `Scope` adds one generation per object
(an application's status page), moved by the rows that belong to that object alone, and one
shared by every such page, moved by everything else of the app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

ALL = ":all"
SHARED = "shared"
# A write to more objects' rows than this moves the shared generation instead of each object's.
MAX_SCOPED_LABELS = 100


@dataclass(frozen=True)
class Scope:
    """Pages kept per object of an app. `models`: the app's models whose rows belong to one such
    object, with the attribute holding its primary key ("pk" for the object itself). Changes of
    those rows move only that object's generation on; a change of any other row of the app moves
    `shared` on (every object's page shows it); `not_shown` lists models no such page shows."""

    app_label: str
    name: str
    models: Mapping[str, str]
    not_shown: frozenset[str] = frozenset()

    def label(self, pk) -> str:
        """The generation of one object's own rows."""
        return f"{self.app_label}:{self.name}:{int(pk)}"

    @property
    def shared(self) -> str:
        """The generation every object's page shares."""
        return f"{self.app_label}:{self.name}:{SHARED}"

    def owns(self, label: str) -> bool:
        prefix = f"{self.app_label}:{self.name}:"
        return label.startswith(prefix) and label[len(prefix) :].isdigit()

    def labels_for(self, model_name: str, pks: Iterable | None) -> list[str]:
        """What a change of `model_name` rows moves on: the objects' own generations when the
        rows belong to them and `pks` names them (None: not known), else the shared one."""
        if model_name in self.not_shown:
            return []
        if model_name in self.models and pks is not None:
            labels = {self.label(pk) for pk in pks if pk is not None}
            if 0 < len(labels) <= MAX_SCOPED_LABELS:
                return sorted(labels)
        return [self.shared]


@dataclass(frozen=True)
class Watch:
    """A model of another app whose saves move some of this app's generations on (the account's
    name shows on HR's application list). Saves that change only `ignore_fields` (a sign-in
    sets last_login) move nothing."""

    model: str  # "app_label.ModelName"
    labels: tuple[str, ...]
    ignore_fields: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AppPolicy:
    app_label: str
    # Models no public page shows: their changes move only "<app>:all".
    private_models: frozenset[str] = frozenset()
    # Fields no public page shows, per model: an update or a save of only these is private.
    private_fields: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # Rows no public page shows (a draft), per model: a save of such a row is private.
    private_rows: Mapping[str, Callable] = field(default_factory=dict)
    scopes: tuple[Scope, ...] = ()
    watches: tuple[Watch, ...] = ()

    @property
    def all(self) -> str:
        return self.app_label + ALL

    def is_private(self, model_name: str, *, fields=None, instance=None) -> bool:
        if model_name in self.private_models:
            return True
        hidden = self.private_fields.get(model_name)
        if hidden and fields and set(fields) <= hidden:
            return True
        predicate = self.private_rows.get(model_name)
        return bool(predicate and instance is not None and predicate(instance))

    def labels(self, model_name: str, *, scope_pks=None, fields=None, instance=None) -> list:
        """The generations a change of `model_name` rows moves on. `scope_pks`: {scope name: the
        scoped objects' pks, or None when not known}."""
        private = self.is_private(model_name, fields=fields, instance=instance)
        labels = [self.all] if private else [self.app_label, self.all]
        for scope in self.scopes:
            pks = (scope_pks or {}).get(scope.name)
            labels += scope.labels_for(model_name, pks)
        return labels


_policies: dict[str, AppPolicy] = {}


def add(policy: AppPolicy) -> None:
    _policies[policy.app_label] = policy


def policy_for(app_label: str) -> AppPolicy | None:
    return _policies.get(app_label)


def cached_apps() -> tuple[str, ...]:
    """The apps whose pages are cached, in the order they registered."""
    return tuple(_policies)


def known_label(label: str) -> bool:
    """A generation some registered app moves on."""
    app_label = label.split(":", 1)[0]
    policy = _policies.get(app_label)
    if policy is None:
        return False
    if label in (policy.app_label, policy.all):
        return True
    return any(label == scope.shared or scope.owns(label) for scope in policy.scopes)


def scope_of(label: str) -> Scope | None:
    policy = _policies.get(label.split(":", 1)[0])
    for scope in policy.scopes if policy else ():
        if scope.owns(label):
            return scope
    return None


def expand(labels: Iterable[str]) -> list[str]:
    """What `invalidate(*labels)` moves on: an app's public generation moves its "<app>:all"
    too, and either moves every scope's shared generation of the app."""
    moved = []
    for label in labels:
        moved.append(label)
        policy = _policies.get(label)
        if label in _policies:
            moved.append(policy.all)
        elif label.endswith(ALL):
            policy = _policies.get(label[: -len(ALL)])
        else:
            policy = None
        if policy is not None:
            moved += [scope.shared for scope in policy.scopes]
    return list(dict.fromkeys(moved))
