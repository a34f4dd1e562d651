from datetime import timedelta

import pytest
from axes.models import AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from accounts.tasks import prune_access_logs
from core.tasks import clear_expired_sessions
from rakumpit_asn.celery import app

pytestmark = pytest.mark.django_db


def test_it_uses_safe_task_defaults():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_time_limit
    assert app.conf.broker_transport_options["visibility_timeout"] > app.conf.task_time_limit


# The scheduler closes database connections as beat does, so this test needs real transactions.
@pytest.mark.django_db(transaction=True)
def test_it_installs_the_beat_schedule_once_however_often_beat_starts():
    DatabaseScheduler(app=app)
    first = sorted(PeriodicTask.objects.values_list("id", "name", "task"))
    DatabaseScheduler(app=app)
    assert sorted(PeriodicTask.objects.values_list("id", "name", "task")) == first
    names = {name for _, name, _ in first}
    assert set(app.conf.beat_schedule) <= names
    app.loader.import_default_modules()  # what a worker does at start: every app's tasks.py
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks, entry["task"]


def test_it_clears_expired_sessions_only():
    live = SessionStore()
    live["x"] = 1
    live.create()
    expired = SessionStore()
    expired["x"] = 1
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )
    clear_expired_sessions()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_it_prunes_old_login_logs():
    old = AccessLog.objects.create(ip_address="127.0.0.1", username="a", user_agent="t")
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=timezone.now() - timedelta(days=91))
    recent = AccessLog.objects.create(ip_address="127.0.0.1", username="b", user_agent="t")
    prune_access_logs()
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent.pk]
