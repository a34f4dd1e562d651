"""The Celery application. Tasks live in each app's `tasks.py`; the beat schedule is defined here
in code and installed into django-celery-beat's tables by its DatabaseScheduler at start-up, which
updates existing entries in place (so starting beat twice never duplicates them).
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rakumpit_asn.settings")

app = Celery("rakumpit_asn")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Times are Asia/Jakarta (WIB), as CELERY_TIMEZONE says.
app.conf.beat_schedule = {
    "clear-expired-sessions": {
        "task": "core.tasks.clear_expired_sessions",
        "schedule": crontab(hour=2, minute=15),
    },
    "training-jp-reminders": {
        # Sends nothing until the year's reminder window; once per person and year.
        "task": "training.tasks.send_jp_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "performance-reminders": {
        "task": "performance.tasks.send_due_reminders",
        "schedule": crontab(hour=6, minute=0),
    },
    "forums-weekly-digest": {
        "task": "forums.tasks.send_weekly_digest",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
    },
    "prune-login-attempt-logs": {
        "task": "accounts.tasks.prune_access_logs",
        "schedule": crontab(hour=2, minute=30),
    },
    # The deadline holds without it (every check compares times); this marks periods closed.
    "close-registrations": {
        "task": "recruitment.tasks.close_registrations",
        "schedule": crontab(minute="*/5"),
    },
    # UU PDP retention: not-hired applicants' documents and NIK after RETENTION_APPLICANT_DAYS.
    # Safe to run again; `manage.py retention` shows the plan without changing anything.
    "privacy-apply-retention": {
        "task": "privacy.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=30),
    },
}
