import json
import platform
import shutil
from datetime import datetime, timezone
from pathlib import Path

import django
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rakumpit_asn.management.commands import _backup as b


class Command(BaseCommand):
    help = (
        "Back up the PostgreSQL database (pg_dump, custom format) and the private uploads into "
        "one new directory rakumpit-<UTC time>/ under --output, with a manifest of row counts, "
        "file checksums, migration state and versions. Rows are counted in the same snapshot "
        "that pg_dump reads, so the counts match the dump even while the portal runs. The rows "
        "of the sessions and of the sign-in attempt logs (axes) are left out: they restore "
        "empty. Refuses SQLite. See docs/operations/backup-restore.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(Path(settings.VAR_DIR) / "backups"),
            help="Folder that receives the backup directory (default: $VAR_DIR/backups).",
        )
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help="After a successful backup, delete all but the N newest backups in --output.",
        )

    def handle(self, *args, output, keep=None, verbosity=1, **options):
        if keep is not None and keep < 1:
            raise CommandError("--keep must be at least 1.")
        config = b.require_postgres(settings.DATABASES["default"])
        root = b.media_root()
        pg_dump = b.find_tool("pg_dump")
        output = Path(output).resolve()
        for inside, label in (
            (root, "the private media folder"),
            (settings.STATIC_ROOT, "STATIC_ROOT"),
        ):
            if output.is_relative_to(Path(inside).resolve()):
                raise CommandError(f"--output {output} lies inside {label}: choose another folder.")

        created = datetime.now(timezone.utc)
        name = b.NAME_PREFIX + created.strftime(b.TIME_FORMAT)
        final = output / name
        if final.exists():
            raise CommandError(f"{final} already exists: wait a second and run again.")
        with b.private_umask():
            output.mkdir(parents=True, exist_ok=True)
            work = output / f".{name}.partial"
            work.mkdir()
            try:
                manifest = self._write(work, config, root, pg_dump, verbosity)
                manifest["created_at"] = created.isoformat()
                (work / b.MANIFEST).write_text(
                    json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8"
                )
                work.rename(final)
            except BaseException:
                shutil.rmtree(work, ignore_errors=True)
                raise

        tables, files = manifest["tables"], manifest["media"]["files"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {final}: {len(tables)} tables, {sum(tables.values())} rows, "
                f"{len(files)} files."
            )
        )
        if keep is not None:
            self._prune(output, keep, final)

    def _write(self, work: Path, config: dict, root: Path, pg_dump: str, verbosity: int) -> dict:
        write = self.stdout.write
        with b.connect(config) as conn, conn.cursor() as cursor:
            # One snapshot for the counts, the migration state and pg_dump (--snapshot): the
            # manifest then describes exactly what the dump holds, even while people use the portal.
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            migrations = b.migration_state(cursor)
            write(f"Counting rows in {config['NAME']}:")
            tables = {}
            for schema, table in b.user_tables(cursor):
                key = b.table_key(schema, table)
                # Tables left out of the dump's data are restored empty: the manifest says so.
                excluded = schema == "public" and table in b.EXCLUDED_DATA
                tables[key] = 0 if excluded else b.count_rows(cursor, schema, table)
                write(f"  {key}: {tables[key]}")
            write("Dumping the database (pg_dump):")
            b.run_with_progress(
                [
                    pg_dump,
                    "--format=custom",
                    "--verbose",
                    "--no-password",
                    "--lock-wait-timeout=120s",
                    f"--snapshot={snapshot}",
                    f"--file={work / b.DUMP}",
                    *(f"--exclude-table-data=public.{table}" for table in b.EXCLUDED_DATA),
                ],
                env=b.libpq_env(config),
                write=write,
                verbosity=verbosity,
            )
            cursor.execute("COMMIT")

        write(f"Copying private files from {root}:")
        files = {}
        names = b.media_files(root)
        for number, name in enumerate(names, start=1):
            digest, size = b.copy_hashing(root / name, work / b.MEDIA / name)
            files[name] = {"sha256": digest, "bytes": size}
            if b.progress_due(number, len(names)):
                write(f"  {number}/{len(names)} files")
        (work / b.MEDIA).mkdir(exist_ok=True)

        return {
            "format": b.FORMAT,
            "database": {
                "name": config["NAME"],
                "dump": b.DUMP,
                "dump_sha256": b.sha256_of(work / b.DUMP),
                "dump_bytes": (work / b.DUMP).stat().st_size,
            },
            "migrations": migrations,
            "tables": tables,
            "media": {
                "folder": b.MEDIA,
                "files": files,
                "file_count": len(files),
                "bytes": sum(f["bytes"] for f in files.values()),
            },
            "versions": {
                "pg_dump": b.tool_version(pg_dump),
                "postgresql_server": server_version,
                "django": django.get_version(),
                "python": platform.python_version(),
                "git_commit": b.git_commit(),
            },
        }

    def _prune(self, output: Path, keep: int, current: Path) -> None:
        """Only complete backups of ours count and go: directories named rakumpit-<time> with
        a manifest. Anything else in the folder is left alone."""
        backups = sorted(
            path
            for path in output.iterdir()
            if path.is_dir() and b.NAME_PATTERN.match(path.name) and (path / b.MANIFEST).is_file()
        )
        for path in backups[:-keep]:
            if path != current:
                shutil.rmtree(path)
                self.stdout.write(f"Deleted old backup {path.name} (--keep {keep}).")
