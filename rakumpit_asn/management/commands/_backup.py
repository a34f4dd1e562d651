"""What the `backup` and `restore` commands share: the layout of a backup, the connection to
PostgreSQL, row counts, checksums and the verification report.

A backup is one directory, `rakumpit-<UTC time>/`, holding `database.dump` (pg_dump's custom
format, already compressed), `media/` (a plain copy of the private uploads) and `manifest.json`.
A directory rather than a tar archive: the dump and the uploads (JPEG, PDF) are already
compressed, a restore and a verification read the manifest and single files without unpacking
anything, and operators who ship it off-site archive and encrypt it in one pipe anyway
(`tar -C var/backups -c rakumpit-... | age ...`). It is written under a hidden `.partial` name
and renamed when complete, so a directory with the final name is always a whole backup.

The module starts with an underscore so that Django does not take it for a command.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import CommandError
from psycopg import sql

FORMAT = "rakumpit-backup/1"
MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media"
NAME_PREFIX = "rakumpit-"
NAME_PATTERN = re.compile(r"^rakumpit-\d{8}T\d{6}Z$")
TIME_FORMAT = "%Y%m%dT%H%M%SZ"
CHUNK = 1024 * 1024
# Top-level media folders left out of backups: uploads kept only until an import is confirmed
# (django-import-export's MediaStorage; deleted after a day by workforce's
# delete_unconfirmed_imports), personal data that must not live on in the backups.
TRANSIENT_MEDIA = ("django-import-export",)

# Django's OPTIONS that libpq also understands, and the environment variable for each.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
}
CONNECTION_KEYS = {"NAME": "dbname", "USER": "user", "PASSWORD": "password", "HOST": "host"}

# Tables whose rows stay out of every backup (pg_dump --exclude-table-data); the manifest counts
# them as empty. Session keys are the browsers' cookies (and a staff session carries its
# second-factor record): a copy of the backup must not sign anyone in. axes' records of failed
# sign-ins are short-lived security logs with IP addresses; the expiration rows point at the
# attempts, so they go with them.
EXCLUDED_DATA = (
    "django_session",
    "axes_accessattempt",
    "axes_accessattemptexpiration",
    "axes_accessfailurelog",
    "axes_accesslog",
)

# pg_dump -v and pg_restore -v name each table as they reach it: that is our progress line.
TABLE_PROGRESS = re.compile(r'(?:dumping contents of|processing data for) table "([^"]+)"')


# --- the database ------------------------------------------------------------------------------


def require_postgres(config: dict) -> dict:
    engine = config.get("ENGINE", "")
    if "sqlite" in engine:
        raise CommandError(
            "This database is SQLite, the embedded default meant for development only: "
            "backup and restore work with PostgreSQL (set DATABASE_URL=postgres://...). "
            "For a development database, copy var/db.sqlite3 and var/private while nothing runs."
        )
    if "postgresql" not in engine and "postgis" not in engine:
        raise CommandError(f"Backup and restore need PostgreSQL; this database uses {engine!r}.")
    return config


def libpq_env(config: dict) -> dict[str, str]:
    """The environment for pg_dump/pg_restore: the password travels here (PGPASSWORD), never on
    a command line that `ps` would show to every user of the machine."""
    env = dict(os.environ)
    pairs = [
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ]
    for key, variable in pairs:
        if config.get(key) not in (None, ""):
            env[variable] = str(config[key])
    for option, variable in LIBPQ_OPTIONS.items():
        value = (config.get("OPTIONS") or {}).get(option)
        if value not in (None, ""):
            env[variable] = str(value)
    return env


def connect(config: dict) -> psycopg.Connection:
    kwargs = {arg: config[key] for key, arg in CONNECTION_KEYS.items() if config.get(key)}
    if config.get("PORT"):
        kwargs["port"] = str(config["PORT"])
    for option in LIBPQ_OPTIONS:
        value = (config.get("OPTIONS") or {}).get(option)
        if value not in (None, ""):
            kwargs[option] = value
    try:
        return psycopg.connect(autocommit=True, **kwargs)
    except psycopg.Error as exc:
        # libpq's messages name the host, user and database, never the password.
        raise CommandError(f"Cannot connect to the database {config.get('NAME')!r}: {exc}") from exc


def user_tables(cursor) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT schemaname, tablename FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
    )
    return list(cursor.fetchall())


def table_key(schema: str, table: str) -> str:
    return table if schema == "public" else f"{schema}.{table}"


def count_rows(cursor, schema: str, table: str) -> int:
    query = sql.SQL("SELECT count(*) FROM {}.{}").format(
        sql.Identifier(schema), sql.Identifier(table)
    )
    cursor.execute(query)
    return cursor.fetchone()[0]


def migration_state(cursor) -> dict[str, str]:
    """The last applied migration of each app, in the order migrate applied them."""
    cursor.execute("SELECT to_regclass('django_migrations') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return {}
    cursor.execute(
        "SELECT DISTINCT ON (app) app, name FROM django_migrations ORDER BY app, id DESC"
    )
    return dict(cursor.fetchall())


def find_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise CommandError(
            f"{name} was not found on PATH. Install the PostgreSQL client of the server's major "
            f"version or newer (Debian: apt install postgresql-client-15)."
        )
    return path


def tool_version(path: str) -> str:
    result = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)  # noqa: S603
    return result.stdout.strip()


def run_with_progress(argv: list[str], *, env: dict, write, verbosity: int) -> None:
    """Run pg_dump/pg_restore with -v, show one line per table, and show the rest of what it
    said only when it fails (or with -v 2)."""
    other = []
    process = subprocess.Popen(  # noqa: S603 - argv is built here, no shell
        argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    for line in process.stdout:
        line = line.rstrip()
        match = TABLE_PROGRESS.search(line)
        if match:
            write(f"  {match.group(1)}")
        elif verbosity >= 2:
            write(f"  {line}")
        else:
            other.append(line)
    if process.wait() != 0:
        tail = "\n".join(other[-20:])
        raise CommandError(f"{Path(argv[0]).name} failed (exit {process.returncode}):\n{tail}")


# --- the files ---------------------------------------------------------------------------------


def progress_due(number: int, total: int) -> bool:
    """About ten progress lines for a folder of any size, and always the last one."""
    return number == total or number % max(100, -(-total // 10)) == 0


def media_root() -> Path:
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):
        raise CommandError(
            f"The default storage ({type(storage).__name__}) is not on the local file system: "
            "back it up with the storage provider's own tools."
        )
    return Path(storage.location).resolve()


def media_files(root: Path) -> list[str]:
    """Every regular file under root, as sorted POSIX paths relative to it, but for the
    `TRANSIENT_MEDIA` folders. Symbolic links are left out: the portal never writes them, and
    following one could copy files from elsewhere."""
    if not root.is_dir():
        return []
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not Path(folder, d).is_symlink()]
        if Path(folder) == root:
            dirs[:] = [d for d in dirs if d not in TRANSIENT_MEDIA]
        for name in files:
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                found.append(path.relative_to(root).as_posix())
    return sorted(found)


def plain_name(value, what: str) -> str:
    """A manifest's dump file or media folder: one plain name inside the backup directory."""
    if (
        not isinstance(value, str)
        or value in ("", ".", "..")
        or any(char in value for char in "/\\\0")
    ):
        raise CommandError(f"The manifest's {what} {value!r} is not a plain file name: refused.")
    return value


def relative_name(value) -> str:
    """A file name from a manifest: a relative POSIX path with no `..`, no backslash, no NUL.
    The manifest is read from the backup, which may have been tampered with."""
    if not isinstance(value, str) or not value or "\\" in value or "\0" in value:
        raise CommandError(f"The manifest names a file {value!r} that is not a safe path: refused.")
    parts = value.split("/")
    if value.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise CommandError(f"The manifest names a file {value!r} that is not a safe path: refused.")
    return value


def path_inside(root: Path, name: str) -> Path:
    """root / name, resolved, refused unless it stays inside root."""
    path = (root / name).resolve()
    if not path.is_relative_to(root.resolve()) or path == root.resolve():
        raise CommandError(f"{name!r} leads outside {root}: refused.")
    return path


def check_no_symlink(root: Path, name: str) -> None:
    """Neither root nor any part of root/name is a symbolic link: a backup could otherwise make
    restore read (and copy into the media folder) files from elsewhere on the server."""
    path = root
    for part in ("", *name.split("/")):
        path = path / part if part else path
        if path.is_symlink():
            raise CommandError(f"{path} in the backup is a symbolic link: refused.")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_hashing(source: Path, target: Path) -> tuple[str, int]:
    """Copy one file and return the SHA-256 and size of the bytes actually written."""
    digest, size = hashlib.sha256(), 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with source.open("rb") as reader, target.open("xb") as writer:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            writer.write(chunk)
            size += len(chunk)
    stat = source.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return digest.hexdigest(), size


@contextmanager
def private_umask():
    """Backups hold personal data: whatever is created meanwhile is readable by its owner only."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def load_manifest(backup: Path) -> dict:
    path = backup / MANIFEST
    if not path.is_file():
        raise CommandError(f"{backup} is not a backup: it has no {MANIFEST}.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise CommandError(f"{path} is not valid JSON: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise CommandError(
            f"{path} has format {manifest.get('format')!r}; this version reads {FORMAT!r}."
        )
    check_manifest_names(manifest)
    return manifest


def check_manifest_names(manifest: dict) -> None:
    """Every name restore or verify joins onto a folder, checked before anything is read or
    written: the dump and the media folder are plain names, the files relative paths."""
    try:
        plain_name(manifest["database"]["dump"], "database dump")
        plain_name(manifest["media"]["folder"], "media folder")
        files = manifest["media"]["files"]
    except (KeyError, TypeError) as exc:
        raise CommandError(f"The manifest is incomplete ({exc!r} is missing).") from None
    if not isinstance(files, dict):
        raise CommandError("The manifest's media files are not a mapping of names: refused.")
    for name in files:
        relative_name(name)


def git_commit() -> str | None:
    """The deployed commit: $GIT_COMMIT when the deployment sets it, else read from .git's files
    (without running git, which a server may not have)."""
    if os.environ.get("GIT_COMMIT"):
        return os.environ["GIT_COMMIT"].strip()
    git = Path(settings.BASE_DIR) / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head.removeprefix("ref: ")
        if (git / ref).is_file():
            return (git / ref).read_text().strip()
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(f" {ref}"):
                return line.split()[0]
    except OSError:
        pass
    return None


# --- verification ------------------------------------------------------------------------------


@dataclass
class Verification:
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(manifest: dict, *, config: dict, root: Path, write) -> Verification:
    """Compare a restored database and media folder with what the manifest recorded."""
    result = Verification()
    with connect(config) as conn, conn.cursor() as cursor:
        write("Counting rows:")
        expected_tables = manifest["tables"]
        found = {table_key(*pair): pair for pair in user_tables(cursor)}
        for key, expected in expected_tables.items():
            if key not in found:
                result.problems.append(f"table {key}: missing (expected {expected} rows)")
                continue
            actual = count_rows(cursor, *found[key])
            write(f"  {key}: {actual}")
            if actual != expected:
                result.problems.append(f"table {key}: {actual} rows, the backup had {expected}")
        for key in sorted(set(found) - set(expected_tables)):
            result.problems.append(f"table {key}: not in the backup")
        result.lines.append(f"tables: {len(expected_tables)} in the backup, {len(found)} restored")
        migrations = migration_state(cursor)
    if migrations != manifest["migrations"]:
        result.problems.append("migration state differs from the backup's")
    result.lines.append(f"migrations: {len(migrations)} apps")

    write("Checking files:")
    expected_files = manifest["media"]["files"]
    present = set(media_files(root))
    for number, (name, recorded) in enumerate(expected_files.items(), start=1):
        path = root / name
        if name not in present:
            result.problems.append(f"file {name}: missing")
        elif sha256_of(path) != recorded["sha256"]:
            result.problems.append(f"file {name}: checksum differs from the backup's")
        if progress_due(number, len(expected_files)):
            write(f"  {number}/{len(expected_files)} files")
    for name in sorted(present - set(expected_files)):
        result.problems.append(f"file {name}: not in the backup")
    result.lines.append(f"files: {len(expected_files)} in the backup, {len(present)} restored")
    return result
