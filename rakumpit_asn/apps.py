import logging

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger(__name__)


class RakumpitAsnConfig(AppConfig):
    """The project package is an app too: it holds the composition root (home, health, demo data
    and navigation), which may depend on every other app."""

    name = "rakumpit_asn"
    verbose_name = "Rakumpit ASN"

    def ready(self):
        from rakumpit_asn import (
            audit,  # noqa: F401 - connects the audit trail's masking hook
            pagecache,
        )

        pagecache.connect_signals()

        if settings.CELERY_TASK_ALWAYS_EAGER:
            logger.info("CELERY_BROKER_URL is not set: background tasks run in-process.")
