"""Settings of the Celery worker the worker-kill test starts (tests/core/test_worker_kill.py):
the portal's own, with a mail server that takes a while and remembers every message it was
handed (tests/slow_mail.py)."""

from rakumpit_asn.settings import *  # noqa: F403

EMAIL_BACKEND = "tests.slow_mail.EmailBackend"
