import os
from pathlib import Path

import environ
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.migrations.loader import MigrationLoader

from core.pagecache import cached_apps, invalidate
from rakumpit_asn.management.commands import _backup as b

# A failed verification exits with 2, a refusal or an error with 1: a script can tell them apart.
VERIFICATION_FAILED = 2


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into an EMPTY PostgreSQL database and an EMPTY media "
        "folder, then verify row counts, migration state and file checksums against its "
        "manifest. Never overwrites: create a new database first (createdb). Exits non-zero on "
        "any mismatch. See docs/operations/backup-restore.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The backup directory (var/backups/rakumpit-...).")
        parser.add_argument(
            "--database-url",
            help="Restore into this database instead of DATABASE_URL (postgres://...). Prefer "
            "putting the password in ~/.pgpass or PGPASSWORD over the URL.",
        )
        parser.add_argument(
            "--media-root",
            help="Restore the files into this folder instead of PRIVATE_MEDIA_ROOT.",
        )
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="Restore nothing: only compare an already restored database and folder with "
            "the backup's manifest.",
        )

    def handle(self, *args, backup, database_url=None, media_root=None, verify_only=False,
               verbosity=1, **options):  # fmt: skip
        backup = Path(backup).resolve()
        manifest = b.load_manifest(backup)
        config = self._target_config(database_url)
        root = Path(media_root).resolve() if media_root else b.media_root()
        self.stdout.write(
            f"Backup {backup.name}, made {manifest['created_at']} "
            f"(commit {manifest['versions'].get('git_commit') or 'unknown'})."
        )
        if not verify_only:
            self._restore(backup, manifest, config, root, verbosity)
            # The restored rows sent no model signal: no page kept from before may be served.
            invalidate(*cached_apps())

        result = b.verify(manifest, config=config, root=root, write=self.stdout.write)
        self.stdout.write("Verification report:")
        for line in result.lines:
            self.stdout.write(f"  {line}")
        for problem in result.problems:
            self.stdout.write(self.style.ERROR(f"  MISMATCH {problem}"))
        if not result.ok:
            raise CommandError(
                f"Verification failed: {len(result.problems)} mismatch(es) with the backup.",
                returncode=VERIFICATION_FAILED,
            )
        self.stdout.write(self.style.SUCCESS("  RESULT: the restore matches the backup."))
        self._advise_on_migrations(config)

    def _target_config(self, database_url: str | None) -> dict:
        if database_url:
            try:
                config = environ.Env.db_url_config(database_url)
            except Exception:  # environ raises several types for a malformed URL
                # Neither the URL nor environ's message, which may quote it with its password.
                raise CommandError("--database-url is not a valid database URL.") from None
        else:
            config = settings.DATABASES["default"]
        return b.require_postgres(config)

    def _restore(self, backup: Path, manifest: dict, config: dict, root: Path, verbosity):
        write = self.stdout.write
        with b.connect(config) as conn, conn.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
                "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                "AND n.nspname NOT LIKE 'pg_toast%'"
            )
            relations = cursor.fetchone()[0]
        if relations:
            raise CommandError(
                f"The database {config['NAME']!r} is not empty ({relations} tables, views or "
                "sequences). restore never overwrites data: create a new, empty database "
                "(createdb -O <owner> <name>) and point DATABASE_URL or --database-url at it."
            )
        if root.exists() and (not root.is_dir() or any(root.iterdir())):
            raise CommandError(
                f"The media folder {root} is not empty. restore never overwrites files: move it "
                "aside or give an empty folder with --media-root."
            )
        pg_restore = b.find_tool("pg_restore")
        # The manifest comes with the backup and may have been tampered with: every path is
        # checked before anything is written (load_manifest already refused unsafe names).
        b.check_no_symlink(backup, manifest["database"]["dump"])
        dump = b.path_inside(backup, manifest["database"]["dump"])
        copies = self._planned_copies(backup, manifest, root)
        write(f"Checking {dump.name} against the manifest...")
        if not dump.is_file() or b.sha256_of(dump) != manifest["database"]["dump_sha256"]:
            raise CommandError(
                f"{dump} is missing or its checksum differs from the manifest: the backup is "
                "damaged. Restore another copy."
            )

        write(f"Restoring the database into {config['NAME']} (pg_restore):")
        b.run_with_progress(
            [
                pg_restore,
                "--verbose",
                "--no-password",
                # Objects belong to whoever restores (the portal's role), not to the roles of
                # the server the backup came from, which may not exist here.
                "--no-owner",
                "--no-acl",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={config['NAME']}",
                str(dump),
            ],
            env=b.libpq_env(config),
            write=write,
            verbosity=verbosity,
        )

        write(f"Restoring private files into {root}:")
        file_mode = settings.FILE_UPLOAD_PERMISSIONS or 0o640
        dir_mode = settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS or 0o750
        root.mkdir(parents=True, exist_ok=True)
        os.chmod(root, dir_mode)
        for number, (source, target) in enumerate(copies, start=1):
            if source.is_file():  # a missing one is reported by the verification
                b.copy_hashing(source, target)
                os.chmod(target, file_mode)
                for folder in target.relative_to(root).parents[:-1]:
                    os.chmod(root / folder, dir_mode)
            if b.progress_due(number, len(copies)):
                write(f"  {number}/{len(copies)} files")

    @staticmethod
    def _planned_copies(backup: Path, manifest: dict, root: Path) -> list[tuple[Path, Path]]:
        """(source, target) for every file of the manifest, each resolved inside the backup's
        media folder and inside the target folder, with no symbolic link on the way. All are
        checked before the first write, so a bad entry leaves nothing half restored."""
        folder = manifest["media"]["folder"]
        b.check_no_symlink(backup, folder)
        source_root = b.path_inside(backup, folder)
        root = root.resolve()
        copies = []
        for name in manifest["media"]["files"]:
            b.check_no_symlink(source_root, name)
            copies.append((b.path_inside(source_root, name), b.path_inside(root, name)))
        return copies

    def _advise_on_migrations(self, config: dict) -> None:
        """A backup from another release of the code: say what to do before starting the portal.
        Advice only; the restore itself is already verified."""
        with b.connect(config) as conn, conn.cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations")
            applied = set(cursor.fetchall())
        loader = MigrationLoader(None, ignore_no_migrations=True)
        behind = sorted(node for node in loader.graph.leaf_nodes() if node not in applied)
        unknown = sorted(
            node for node in applied if node[0] in loader.migrated_apps
            and node not in loader.disk_migrations
        )  # fmt: skip
        if behind:
            self.stdout.write(
                self.style.WARNING(
                    f"The code has {len(behind)} newer migration(s) than the backup "
                    f"(e.g. {behind[0][0]}.{behind[0][1]}): run `manage.py migrate` before "
                    "starting the portal."
                )
            )
        if unknown:
            self.stdout.write(
                self.style.WARNING(
                    f"The backup has {len(unknown)} migration(s) this code does not know "
                    f"(e.g. {unknown[0][0]}.{unknown[0][1]}): deploy the release the backup "
                    "was made with (its commit is in the manifest) before starting the portal."
                )
            )
