"""Links that leave the browser (e-mails, the QR codes on cards and certificates) point where the
portal is served: `make run PORT=8123` gives the server (and `make worker` its e-mails) SITE_URL
http://127.0.0.1:8123 unless SITE_URL is set in the environment, on the command line or in .env;
a SITE_URL that is not an http(s) address stops the start."""

import os
import shutil
import subprocess

import pytest

from tests.rakumpit_asn.test_settings import ROOT, _start_django

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")


def make_dry_run(tmp_path, *args, env_file=None, environment=None):
    """`make -n` on a copy of the Makefile in an empty folder: the commands it would run."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    for name in ("requirements.lock", "package-lock.json"):
        (tmp_path / name).touch()
    # The CSS build's sources (make css), so that the rules that need them can be planned.
    for name in ("static/scss/portal.scss", "static/scss/purgecss.config.cjs"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).touch()
    if env_file is not None:
        (tmp_path / ".env").write_text(env_file)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "SITE_URL"))}
    env.update(environment or {})
    result = subprocess.run(
        ["make", "-n", *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def command(lines, program):
    (line,) = [line for line in lines if program in line]
    return line


def test_it_serves_make_run_links_at_its_own_port(tmp_path):
    lines = make_dry_run(tmp_path, "run", "PORT=8123")
    assert command(lines, "runserver") == (
        "SITE_URL=http://127.0.0.1:8123 .venv/bin/python manage.py runserver 127.0.0.1:8123"
    )


def test_it_follows_the_host_too(tmp_path):
    lines = make_dry_run(tmp_path, "run", "HOST=localhost", "PORT=9000")
    assert command(lines, "runserver").startswith("SITE_URL=http://localhost:9000 ")


def test_it_gives_the_worker_the_same_address(tmp_path):
    lines = make_dry_run(tmp_path, "worker", "PORT=8123")
    assert command(lines, "celery").startswith("SITE_URL=http://127.0.0.1:8123 ")


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"environment": {"SITE_URL": "https://portal.example.org"}}, "https://portal.example.org"),
        ({"args": ["SITE_URL=https://cli.example.org"]}, "https://cli.example.org"),
    ],
    ids=["environment", "command-line"],
)
def test_it_keeps_a_site_url_that_is_set(tmp_path, kwargs, expected):
    lines = make_dry_run(
        tmp_path, "run", "PORT=8123", *kwargs.get("args", []), environment=kwargs.get("environment")
    )
    assert command(lines, "runserver").startswith(f"SITE_URL={expected} ")


def test_it_leaves_a_site_url_in_dot_env_to_the_settings(tmp_path):
    lines = make_dry_run(
        tmp_path, "run", "PORT=8123", env_file="SITE_URL=https://env.example.org\n"
    )
    assert command(lines, "runserver") == ".venv/bin/python manage.py runserver 127.0.0.1:8123"


def test_it_ignores_a_commented_site_url_in_dot_env(tmp_path):
    lines = make_dry_run(tmp_path, "run", "PORT=8123", env_file="# SITE_URL=https://x.org\n")
    assert command(lines, "runserver").startswith("SITE_URL=http://127.0.0.1:8123 ")


@pytest.mark.parametrize("bad", ["portal.example.org", "ftp://portal.example.org", "https://"])
def test_it_refuses_to_start_with_a_site_url_that_is_not_a_web_address(bad):
    result = _start_django({"SITE_URL": bad})
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr and "must be an http:// or https:// address" in result.stderr


def test_the_readme_tells_how_to_pick_the_port():
    readme = (ROOT / "README.md").read_text()
    assert "make run PORT=8123" in readme and "HOST=" in readme
