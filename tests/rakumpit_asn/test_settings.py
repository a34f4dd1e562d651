import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from rakumpit_asn import env

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 40 + "-production-secret-key-for-tests-only-123456",
    "ALLOWED_HOSTS": "portal.example.org",
}


def _start_django(extra_env, *args):
    """Import the settings in a fresh interpreter, as a deployment would."""
    skip = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the e2e suite sets the last
    environment = {k: v for k, v in os.environ.items() if k not in skip}
    environment.update(extra_env)
    environment["DJANGO_SETTINGS_MODULE"] = "rakumpit_asn.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *(args or ["check"])],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("raw", ["maybe", "2", "enabled"])
def test_it_rejects_a_boolean_that_is_not_one(monkeypatch, raw):
    monkeypatch.setenv("SOME_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env.env_bool("SOME_FLAG", False)


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("Yes", True), ("off", False), ("", True)]
)
def test_it_reads_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env.env_bool("SOME_FLAG", True) is expected


def test_it_rejects_a_non_integer_and_a_too_small_one(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env.env_int("SOME_NUMBER", 1)
    monkeypatch.setenv("SOME_NUMBER", "-1")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env.env_int("SOME_NUMBER", 1, minimum=0)


def test_it_rejects_a_malformed_database_url(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "nosuchdb://foo")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env.env_db("DATABASE_URL", "sqlite:///x.sqlite3")


def test_it_rejects_a_redis_url_with_another_scheme(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "http://127.0.0.1:6379")
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        env.env_redis_url("REDIS_URL")


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _start_django({"DEBUG": "false", "ALLOWED_HOSTS": "portal.example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_refuses_to_start_with_a_bad_debug_value():
    result = _start_django({"DEBUG": "perhaps"})
    assert result.returncode != 0
    assert "DEBUG='perhaps' is not a boolean" in result.stderr


def test_it_passes_check_deploy_with_production_values():
    result = _start_django(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
