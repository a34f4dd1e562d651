import logging
from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.db.models.signals import post_migrate, pre_save
from django.urls import URLResolver, get_resolver
from django.utils.translation import gettext_lazy as _

from core.pagecache import cached_apps, invalidate
from core.pagecache.policy import known_label
from core.personaldata import undeclared_models
from core.text import clean_instance_text

logger = logging.getLogger(__name__)


class CoreConfig(AppConfig):
    """The kernel every app may use (page cache, paging, database helpers, upload checks, audit and
    personal-data registries, rate limiting, charts, task options). It imports no domain app:
    the apps register themselves with it in their own ready()."""

    name = "core"
    verbose_name = _("Portal kernel")

    def ready(self):
        # Imported here: it reads auditlog's models, which exist only once Django is ready. It
        # connects the audit trail's masking hook.
        from core import (
            audit,  # noqa: F401
            personal_data,
        )

        personal_data.register()

        # Rows a data migration writes send no model signal: after a migrate no page kept from
        # before is served. Once per `migrate` (this app is always installed).
        post_migrate.connect(_migrated, sender=self, dispatch_uid="core.pagecache.migrate")
        # Text that cannot spoof the page (core/text.py): every text field of the project's own
        # apps is saved without bidirectional controls, whoever writes it.
        for app_config in _project_apps():
            for model in app_config.get_models():
                pre_save.connect(
                    clean_instance_text, sender=model, dispatch_uid=f"core.text.{model._meta.label}"
                )
        checks.register(_personal_data_declared, checks.Tags.models)
        checks.register(_page_cache_labels_known, checks.Tags.urls)
        if settings.CELERY_TASK_ALWAYS_EAGER:
            logger.info("CELERY_BROKER_URL is not set: background tasks run in-process.")


def _project_apps():
    """The apps whose code lives in this repository (not Django's, not a library's)."""
    from django.apps import apps

    base = Path(settings.BASE_DIR).resolve()
    for app_config in apps.get_app_configs():
        path = Path(app_config.path).resolve()
        if (
            path.is_relative_to(base)
            and ".venv" not in path.parts
            and "site-packages" not in path.parts
        ):
            yield app_config


def _migrated(sender, **kwargs):
    try:
        apps = cached_apps()
        if apps:
            invalidate(*apps)
    except Exception:  # a cache that is down must not fail a deployment's migrate
        logger.warning(
            "Could not move the page cache's generations on after migrate: pages kept before "
            "may be served for up to twice COMPUTED_CACHE_SECONDS.",
            exc_info=True,
        )


def _personal_data_declared(app_configs=None, **kwargs):
    """A model of the portal that holds personal fields must say whose data it is and what a
    deletion request does to it (core.personaldata.declare), or the start fails."""
    return [
        checks.Error(
            f"{label} holds personal data but its app does not declare it.",
            hint="Call core.personaldata.declare() for it in the app's personal_data.register().",
            id="core.E001",
        )
        for label in undeclared_models()
    ]


def _views(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns)
        else:
            yield pattern.callback


def _page_cache_labels_known(app_configs=None, **kwargs):
    """Every public page names generations some app registered: a typo fails the start, not an
    anonymous visitor's request in production (the cache is off in development)."""
    errors = []
    for view in _views(get_resolver().url_patterns):
        for label in getattr(view, "page_cache_labels", ()):
            if not known_label(label):
                errors.append(
                    checks.Error(
                        f"{view.__module__}.{view.__qualname__} is kept under {label!r}, which no "
                        "app registers with the page cache.",
                        id="core.E002",
                    )
                )
    return errors
