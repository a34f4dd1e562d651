"""`backup` and `restore` against real PostgreSQL: a round trip into a fresh database and media
folder, the verification catching a damaged file or a lost row, retention, and the refusals.

Transactional (pg_dump reads committed data from its own connection). Each restore target is a
database of its own, created on the maintenance database and dropped at the end."""

import hashlib
import io
import json
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from pypdf import PdfWriter

from rakumpit_asn.management.commands import _backup
from recruitment.models import Application, Document
from recruitment.services.documents import document_upload
from tests.factories import ApplicationFactory, UserFactory
from workforce.services.reference import reference_data_ensure

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def server_kwargs(dbname: str) -> dict:
    config = connection.settings_dict
    kwargs = {"dbname": dbname, "user": config["USER"], "host": config["HOST"]}
    if config["PORT"]:
        kwargs["port"] = str(config["PORT"])
    return {key: value for key, value in kwargs.items() if value}


def url_of(dbname: str) -> str:
    config = connection.settings_dict
    return f"postgres://{config['USER']}@{config['HOST']}:{config['PORT'] or 5432}/{dbname}"


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=out, **options)
    return out.getvalue()


def counts(dbname: str) -> dict[str, int]:
    with psycopg.connect(**server_kwargs(dbname)) as conn, conn.cursor() as cursor:
        return {
            _backup.table_key(schema, table): _backup.count_rows(cursor, schema, table)
            for schema, table in _backup.user_tables(cursor)
        }


def checksums(root: Path) -> dict[str, str]:
    return {
        name: hashlib.sha256((root / name).read_bytes()).hexdigest()
        for name in _backup.media_files(root)
    }


@pytest.fixture
def empty_database():
    """`empty_database()` creates a new database and returns its name; all go at the end."""
    names = []

    def create():
        name = f"rk_restore_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(**server_kwargs("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        names.append(name)
        return name

    yield create
    with psycopg.connect(**server_kwargs("postgres"), autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def private_root(settings, tmp_path):
    root = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root, "base_url": None},
        },
    }
    return root


@pytest.fixture
def portal_data(private_root):
    """Rows in several apps and two real uploaded documents."""
    reference_data_ensure()  # an earlier transactional test may have flushed the seeded data
    UserFactory.create_batch(3, roles=["resident"])
    application = ApplicationFactory()
    for slug in ("ijazah", "transkrip"):
        requirement = application.period.document_requirements.filter(slug=slug).first()
        if requirement is not None:
            document_upload(
                application=application,
                requirement=requirement,
                uploaded_file=SimpleUploadedFile(f"{slug}.pdf", pdf_bytes()),
                user=application.applicant,
            )
    assert Document.objects.exists()
    # A live session and a failed sign-in: neither may travel in a backup.
    session = SessionStore()
    session["_auth_user_id"] = str(application.applicant.pk)
    session.create()
    AccessAttempt.objects.create(
        username="someone@example.org", ip_address="10.0.0.1", failures_since_start=1
    )
    return application


@pytest.fixture
def backup_dir(portal_data, tmp_path):
    run("backup", output=str(tmp_path / "backups"))
    (made,) = (tmp_path / "backups").iterdir()
    return made


def test_it_restores_a_backup_into_an_empty_database_and_verifies_it(
    backup_dir, private_root, empty_database, tmp_path
):
    target, restored = empty_database(), tmp_path / "restored"

    output = run("restore", str(backup_dir), database_url=url_of(target), media_root=str(restored))

    assert "RESULT: the restore matches the backup." in output
    emptied = dict.fromkeys(_backup.EXCLUDED_DATA, 0)
    assert counts(target) == {**counts(connection.settings_dict["NAME"]), **emptied}
    assert checksums(restored) == checksums(private_root)
    assert len(checksums(restored)) == Document.objects.count() >= 1
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["tables"]["recruitment_application"] == Application.objects.count()
    assert manifest["migrations"]["recruitment"]
    assert {"created_at", "versions", "media"} <= set(manifest)
    assert manifest["versions"]["pg_dump"].startswith("pg_dump (PostgreSQL)")


def test_it_writes_a_private_backup_with_a_manifest(backup_dir, private_root):
    assert _backup.NAME_PATTERN.match(backup_dir.name)
    assert backup_dir.stat().st_mode & 0o077 == 0
    assert (backup_dir / "database.dump").read_bytes()[:5] == b"PGDMP"
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    files = manifest["media"]["files"]
    assert {name: entry["sha256"] for name, entry in files.items()} == checksums(private_root)
    assert not list(backup_dir.parent.glob(".*partial"))


def test_it_fails_the_verification_when_a_file_in_the_backup_was_changed(
    backup_dir, empty_database, tmp_path
):
    damaged = next((backup_dir / "media").rglob("*.pdf"))
    damaged.write_bytes(damaged.read_bytes() + b"%tampered")

    with pytest.raises(CommandError, match="Verification failed") as failure:
        run("restore", str(backup_dir), database_url=url_of(empty_database()),
            media_root=str(tmp_path / "restored"))  # fmt: skip

    assert failure.value.returncode == 2


def test_it_fails_the_verification_when_a_restored_row_is_missing(
    backup_dir, empty_database, tmp_path
):
    target, restored = empty_database(), tmp_path / "restored"
    run("restore", str(backup_dir), database_url=url_of(target), media_root=str(restored))
    with psycopg.connect(**server_kwargs(target), autocommit=True) as conn:
        conn.execute(
            "DELETE FROM accounts_user_groups WHERE id = (SELECT max(id) FROM accounts_user_groups)"
        )

    out = io.StringIO()
    with pytest.raises(CommandError, match="Verification failed"):
        call_command("restore", str(backup_dir), database_url=url_of(target),
                     media_root=str(restored), verify_only=True, stdout=out)  # fmt: skip
    assert "MISMATCH table accounts_user_groups" in out.getvalue()


def test_it_refuses_a_damaged_dump_before_restoring_anything(backup_dir, empty_database, tmp_path):
    dump = backup_dir / "database.dump"
    dump.write_bytes(dump.read_bytes()[:-10])
    target = empty_database()

    with pytest.raises(CommandError, match="checksum differs"):
        run("restore", str(backup_dir), database_url=url_of(target),
            media_root=str(tmp_path / "restored"))  # fmt: skip
    assert counts(target) == {}


def test_it_refuses_a_database_that_has_tables(backup_dir, tmp_path):
    with pytest.raises(CommandError, match="is not empty"):
        run("restore", str(backup_dir), database_url=url_of(connection.settings_dict["NAME"]),
            media_root=str(tmp_path / "restored"))  # fmt: skip


def test_it_refuses_a_media_folder_that_has_files(backup_dir, empty_database, tmp_path):
    restored = tmp_path / "restored"
    restored.mkdir()
    (restored / "left-over.pdf").write_bytes(b"%PDF")
    target = empty_database()

    with pytest.raises(CommandError, match="is not empty"):
        run("restore", str(backup_dir), database_url=url_of(target), media_root=str(restored))
    assert counts(target) == {}


def test_it_refuses_sqlite(settings, monkeypatch, tmp_path, backup_dir):
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "db.sqlite3")}
    with pytest.raises(CommandError, match="SQLite"):
        run("restore", str(backup_dir), database_url=f"sqlite:///{tmp_path}/db.sqlite3")
    monkeypatch.setitem(settings.DATABASES, "default", sqlite)
    with pytest.raises(CommandError, match="SQLite"):
        run("backup", output=str(tmp_path / "elsewhere"))
    assert not (tmp_path / "elsewhere").exists()


def test_it_keeps_only_the_newest_backups(portal_data, tmp_path):
    folder = tmp_path / "backups"
    for stamp in ("20240101T000000Z", "20240102T000000Z", "20240103T000000Z"):
        (folder / f"rakumpit-{stamp}").mkdir(parents=True)
        (folder / f"rakumpit-{stamp}" / "manifest.json").write_text("{}")
    (folder / "notes").mkdir()  # not ours: never touched

    output = run("backup", output=str(folder), keep=2)

    remaining = sorted(path.name for path in folder.iterdir())
    assert remaining[0] == "notes"
    assert remaining[1] == "rakumpit-20240103T000000Z"
    assert _backup.NAME_PATTERN.match(remaining[2]) and len(remaining) == 3
    assert "Deleted old backup rakumpit-20240101T000000Z" in output


def test_it_never_puts_the_password_on_a_command_line_or_in_the_output(
    portal_data, monkeypatch, tmp_path, empty_database
):
    secret = "Never-Shown-" + uuid.uuid4().hex  # the test server trusts, so any password works
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", secret)
    calls = []
    real_popen = subprocess.Popen

    def spy(argv, **kwargs):
        calls.append((argv, kwargs.get("env") or {}))
        return real_popen(argv, **kwargs)

    monkeypatch.setattr(_backup.subprocess, "Popen", spy)

    output = run("backup", output=str(tmp_path / "backups"), verbosity=2)
    (made,) = (tmp_path / "backups").iterdir()
    output += run("restore", str(made), database_url=url_of(empty_database()),
                  media_root=str(tmp_path / "restored"), verbosity=2)  # fmt: skip

    (dump_env,) = [env for argv, env in calls if "--format=custom" in argv]
    assert dump_env["PGPASSWORD"] == secret
    assert any(Path(argv[0]).name == "pg_restore" for argv, _env in calls)
    assert not any(secret in " ".join(argv) for argv, _env in calls)
    assert secret not in output
    assert secret not in (made / "manifest.json").read_text()


def test_it_leaves_sessions_and_sign_in_attempts_out_of_the_backup(
    backup_dir, empty_database, tmp_path
):
    assert Session.objects.exists() and AccessAttempt.objects.exists()
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert {manifest["tables"][table] for table in _backup.EXCLUDED_DATA} == {0}
    listing = subprocess.run(
        ["pg_restore", "--list", str(backup_dir / "database.dump")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "TABLE DATA public django_session" not in listing
    assert "TABLE DATA public axes_accessattempt" not in listing
    assert "TABLE DATA public accounts_user" in listing  # the rest is there
    target = empty_database()
    run("restore", str(backup_dir), database_url=url_of(target),
        media_root=str(tmp_path / "restored"))  # fmt: skip
    assert counts(target)["django_session"] == 0


# --- a tampered manifest -----------------------------------------------------------------------


def _tamper(backup_dir: Path, change) -> None:
    path = backup_dir / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))


def _add_file(name):
    def change(manifest):
        manifest["media"]["files"][name] = {"sha256": "0" * 64, "bytes": 1}

    return change


@pytest.mark.parametrize(
    "change",
    [
        _add_file("../escape.txt"),
        _add_file("../../escape.txt"),
        _add_file("ijazah/../../escape.txt"),
        _add_file("ijazah\\..\\..\\escape.txt"),
        _add_file("nul\0.txt"),
        lambda manifest: manifest["database"].update(dump="../database.dump"),
        lambda manifest: manifest["media"].update(folder=".."),
        lambda manifest: manifest["media"].update(folder="/etc"),
    ],
    ids=["parent", "grandparent", "inner-parent", "backslash", "nul", "dump", "folder", "abs"],
)
def test_it_refuses_a_manifest_with_a_path_that_leaves_its_folder(
    backup_dir, empty_database, tmp_path, change
):
    (backup_dir / "escape.txt").write_text("outside the media folder")
    _tamper(backup_dir, change)
    target, restored = empty_database(), tmp_path / "nested" / "restored"

    with pytest.raises(CommandError, match="refused"):
        run("restore", str(backup_dir), database_url=url_of(target), media_root=str(restored))

    assert not restored.exists()
    assert not (tmp_path / "escape.txt").exists()
    assert not (tmp_path / "nested" / "escape.txt").exists()
    assert counts(target) == {}


def test_it_refuses_a_manifest_with_an_absolute_file_name(backup_dir, empty_database, tmp_path):
    outside = tmp_path / "outside" / "planted.txt"
    outside.parent.mkdir()
    # The same absolute name exists in the backup's media folder, so only the check stops it.
    inner = backup_dir / "media" / outside.relative_to("/")
    inner.parent.mkdir(parents=True)
    inner.write_text("planted")
    _tamper(backup_dir, _add_file(str(outside)))
    target, restored = empty_database(), tmp_path / "restored"

    with pytest.raises(CommandError, match="not a safe path"):
        run("restore", str(backup_dir), database_url=url_of(target), media_root=str(restored))

    assert not outside.exists()
    assert not restored.exists()
    assert counts(target) == {}


def test_it_refuses_a_symbolic_link_in_the_backup(backup_dir, empty_database, tmp_path):
    secret = tmp_path / "server-secret.txt"
    secret.write_text("not for the media folder")
    linked = next((backup_dir / "media").rglob("*.pdf"))
    linked.unlink()
    linked.symlink_to(secret)
    target, restored = empty_database(), tmp_path / "restored"

    with pytest.raises(CommandError, match="symbolic link"):
        run("restore", str(backup_dir), database_url=url_of(target), media_root=str(restored))

    assert not restored.exists()
    assert counts(target) == {}
