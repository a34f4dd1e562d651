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
    # The outbox (core/outbox.py): tasks held back by a dead broker, messages a dead worker left
    # in flight, e-mails waiting after a refused send. Every minute, so nothing waits longer.
    "deliver-outbox": {
        "task": "core.tasks.deliver_outbox",
        "schedule": 60.0,
    },
    # Uploads of the employee import that nobody confirmed (IMPORT_UPLOAD_MAX_AGE_HOURS).
    "workforce-delete-unconfirmed-imports": {
        "task": "workforce.tasks.delete_unconfirmed_imports",
        "schedule": crontab(minute=20),
    },
    "prune-outbox": {
        "task": "core.tasks.prune_outbox",
        "schedule": crontab(hour=2, minute=45),
    },
    "clear-expired-sessions": {
        "task": "core.tasks.clear_expired_sessions",
        "schedule": crontab(hour=2, minute=15),
    },
    # The jobs that e-mail people run every quarter of an hour in the day (first at 06:00 or
    # 07:00): each sends a reminder once (claim rows), so a later run sends nothing again, but
    # picks up within 15 minutes what a worker that died mid-run did not get to claim.
    "training-jp-reminders": {
        # Sends nothing until the year's reminder window; once per person and year.
        "task": "training.tasks.send_jp_reminders",
        "schedule": crontab(hour="7-20", minute="5,20,35,50"),
    },
    "performance-reminders": {
        "task": "performance.tasks.send_due_reminders",
        "schedule": crontab(hour="6-20", minute="*/15"),
    },
    "forums-weekly-digest": {
        "task": "forums.tasks.send_weekly_digest",
        "schedule": crontab(day_of_week="mon", hour="7-20", minute="10,25,40,55"),
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
    # The leadership report of the month before (opendata): generating again replaces it.
    "opendata-monthly-report": {
        "task": "opendata.tasks.generate_monthly_report",
        "schedule": crontab(day_of_month=1, hour=5, minute=30),
    },
}
