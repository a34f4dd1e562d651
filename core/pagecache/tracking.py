"""Invalidation nobody can forget: every write to a model of a cached app moves its generations on
once it commits, whichever way it is written.

- save() and delete() send model signals (a QuerySet's delete() too: Django sends them for every
  row of a model that has receivers, and every tracked model has them);
- update(), bulk_create() and bulk_update() send none, so the tracked QuerySet reports them;
- many-to-many changes send m2m_changed.

Every model of a cached app derives from core.models.TrackedModel, whose managers return the
tracked QuerySet (`policy.register` refuses an app with a model that does not). Raw SQL is the
one way around it: it goes through core.db.execute_write, which names the model it writes.
"""

from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.expressions import Col
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.db.models.sql.where import AND

from core.pagecache import generations
from core.pagecache import policy as policy_module
from core.pagecache.policy import AppPolicy, Scope, Watch, policy_for

# bulk_update() runs update() for each batch: the batch's rows are reported once, from the objects.
_reporting_off: ContextVar[bool] = ContextVar("pagecache_reporting_off", default=False)


def _field_names(model, names) -> list[str] | None:
    """Field names for names or attnames ("screened_by_id" -> "screened_by"; "pk")."""
    if names is None:
        return None
    return [
        model._meta.pk.name if name == "pk" else model._meta.get_field(name).name for name in names
    ]


def rows_changed(model, *, scope_pks=None, fields=None, instance=None) -> None:
    """Move on, at commit, what a change of `model` rows moves on (nothing for an app without a
    page cache). `scope_pks`: {scope name: the scoped objects' pks, or None}."""
    policy = policy_for(model._meta.app_label)
    if policy is None:
        return
    labels = policy.labels(
        model.__name__,
        scope_pks=scope_pks,
        fields=_field_names(model, fields),
        instance=instance,
    )
    if generations.lagging() and policy.app_label in labels:  # inside counts_lag()
        labels.remove(policy.app_label)
        generations.move_on_commit(labels, lagging=[policy.app_label])
        return
    generations.move_on_commit(labels)


def _scope_attributes(model) -> dict:
    """{scope name: the attribute holding the scoped object's pk} for `model`'s scopes."""
    policy = policy_for(model._meta.app_label)
    return {
        scope.name: scope.models[model.__name__]
        for scope in (policy.scopes if policy else ())
        if model.__name__ in scope.models
    }


def _scope_pks_of_objects(model, objects) -> dict:
    policy = policy_for(model._meta.app_label)
    found = {}
    for scope in policy.scopes if policy else ():
        attribute = scope.models.get(model.__name__)
        if attribute:
            found[scope.name] = {getattr(obj, attribute) for obj in objects}
    return found


def _pks_in_filter(queryset, attribute: str):
    """The values `attribute` is restricted to by the queryset's filter (pk=..., application=...,
    application_id__in=[...]), or None when the filter does not say. Read from the query's WHERE
    clause: conditions joined by AND only narrow the rows, so the rows changed are among them."""
    query = queryset.query
    where = query.where
    if where.negated or where.connector != AND:
        return None
    model = queryset.model
    field = model._meta.pk if attribute == "pk" else model._meta.get_field(attribute)
    for child in where.children:
        lhs = getattr(child, "lhs", None)
        if not isinstance(lhs, Col) or lhs.target is not field or lhs.alias != query.base_table:
            continue
        rhs = child.rhs
        if hasattr(rhs, "resolve_expression"):
            continue
        if child.lookup_name == "exact":
            return {rhs}
        if child.lookup_name == "in" and isinstance(rhs, list | tuple | set | frozenset):
            return set(rhs)
    return None


def _scope_pks_of_filter(queryset) -> dict:
    model = queryset.model
    policy = policy_for(model._meta.app_label)
    found = {}
    for scope in policy.scopes if policy else ():
        attribute = scope.models.get(model.__name__)
        if attribute:
            found[scope.name] = _pks_in_filter(queryset, attribute)
    return found


class TrackedQuerySet(models.QuerySet):
    """A QuerySet whose bulk writes move the page cache's generations on, as saves do."""

    def update(self, **kwargs):
        scope_pks = _scope_pks_of_filter(self)  # before: update() may change the filtered field
        moved = set(_field_names(self.model, kwargs))
        for scope_name, attribute in _scope_attributes(self.model).items():
            if _field_names(self.model, [attribute])[0] in moved:
                scope_pks[scope_name] = None  # rows move to another object: every page moves
        count = super().update(**kwargs)
        if count and not _reporting_off.get():
            rows_changed(self.model, scope_pks=scope_pks, fields=list(kwargs))
        return count

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            rows_changed(self.model, scope_pks=_scope_pks_of_objects(self.model, created))
        return created

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        token = _reporting_off.set(True)
        try:
            count = super().bulk_update(objs, fields, batch_size=batch_size)
        finally:
            _reporting_off.reset(token)
        if count:
            rows_changed(
                self.model, scope_pks=_scope_pks_of_objects(self.model, objs), fields=fields
            )
        return count

    bulk_update.alters_data = True


TrackedManager = models.Manager.from_queryset(TrackedQuerySet, "TrackedManager")


# --- model signals --------------------------------------------------------------------------


def _saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw:  # loaddata
        return
    rows_changed(
        sender,
        scope_pks=_scope_pks_of_objects(sender, [instance]),
        fields=update_fields,
        instance=instance,
    )


def _deleted(sender, instance, **kwargs):
    rows_changed(sender, scope_pks=_scope_pks_of_objects(sender, [instance]), instance=instance)


def _m2m_changed(sender, instance, action, **kwargs):
    """A many-to-many change: the through table's app moves on; the scope is the instance's."""
    if not action.startswith("post_"):
        return
    policy = policy_for(sender._meta.app_label)
    if policy is None:
        return
    model = type(instance)
    scope_pks = (
        _scope_pks_of_objects(model, [instance])
        if model._meta.app_label == (sender._meta.app_label)
        else {}
    )
    generations.move_on_commit(policy.labels(model.__name__, scope_pks=scope_pks))


_connected: set = set()


def connect_model(model) -> None:
    """Called for every concrete TrackedModel class once it is prepared (core.models)."""
    _connected.add(model)
    uid = f"pagecache:{model._meta.label}"
    post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}:save", weak=False)
    post_delete.connect(_deleted, sender=model, dispatch_uid=f"{uid}:delete", weak=False)


m2m_changed.connect(_m2m_changed, dispatch_uid="pagecache:m2m", weak=False)


def _connect_watch(watch: Watch) -> None:
    model = apps.get_model(watch.model)

    def watched(sender, instance, update_fields=None, raw=False, **kwargs):
        if raw or (update_fields and set(update_fields) <= watch.ignore_fields):
            return
        generations.move_on_commit(watch.labels)

    uid = f"pagecache:watch:{watch.model}:{','.join(watch.labels)}"
    post_save.connect(watched, sender=model, dispatch_uid=f"{uid}:save", weak=False)
    post_delete.connect(watched, sender=model, dispatch_uid=f"{uid}:delete", weak=False)


def _check_tracked(app_config) -> None:
    """Every model of a cached app must report its writes: refuse to start otherwise."""
    for model in app_config.get_models():
        managers = [model._default_manager, model._base_manager, *model._meta.managers]
        untracked = model not in _connected or not all(
            issubclass(manager._queryset_class, TrackedQuerySet) for manager in managers
        )
        if untracked:
            raise ImproperlyConfigured(
                f"{model._meta.label} is in a cached app ({app_config.label}) but its writes "
                "would not move the page cache on: derive it from core.models.TrackedModel "
                "(and any custom manager from core.pagecache.TrackedManager)."
            )


def register(
    app_label: str,
    *,
    private_models: Iterable[str] = (),
    private_fields: Mapping[str, Iterable[str]] | None = None,
    private_rows: Mapping[str, Callable] | None = None,
    scopes: Iterable[Scope] = (),
    watches: Iterable[Watch] = (),
) -> AppPolicy:
    """Put the app's pages under the page cache: called from its AppConfig.ready(). Every model
    of the app must derive from core.models.TrackedModel (checked here), so that its saves,
    deletes, update(), bulk_create() and bulk_update() move the generations on by themselves."""
    app_config = apps.get_app_config(app_label)
    policy = AppPolicy(
        app_label=app_label,
        private_models=frozenset(private_models),
        private_fields={
            name: frozenset(_field_names(app_config.get_model(name), fields))
            for name, fields in (private_fields or {}).items()
        },
        private_rows=dict(private_rows or {}),
        scopes=tuple(scopes),
        watches=tuple(watches),
    )
    known = {model.__name__ for model in app_config.get_models()}
    named = set(policy.private_models) | set(policy.private_fields) | set(policy.private_rows)
    for scope in policy.scopes:
        named |= set(scope.models) | set(scope.not_shown)
    unknown = named - known
    if unknown:
        raise ValueError(f"{app_label}: no such models: {', '.join(sorted(unknown))}")
    _check_tracked(app_config)
    policy_module.add(policy)
    for watch in policy.watches:
        _connect_watch(watch)
    return policy
