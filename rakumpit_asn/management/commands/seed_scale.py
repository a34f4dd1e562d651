from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from core.pagecache import cached_apps, invalidate
from rakumpit_asn.management import scale

SCALE_PERIOD = "Skala: seleksi CPNS terbuka"


class Command(BaseCommand):
    help = (
        "Fill a PostgreSQL database with production-sized data for load tests (make bench): "
        "formations with applicants, applications and document records in an open period; "
        "units, positions and employees; forum topics and comments; a year of performance "
        "reviews. Bulk inserts with progress bars. Safe to run again: each part that is already "
        "there is skipped (and reported), never doubled. Refuses SQLite, and DEBUG off unless "
        "--force is given."
    )

    def add_arguments(self, parser):
        volumes = parser.add_argument_group("volumes")
        volumes.add_argument("--formations", type=int, default=200)
        volumes.add_argument(
            "--applicants",
            type=int,
            default=50_000,
            help="Applicants, each with one application (one in ten a draft) and a document "
            "record per required slot when finalised (default 50,000).",
        )
        volumes.add_argument("--units", type=int, default=500)
        volumes.add_argument("--employees", type=int, default=20_000)
        volumes.add_argument("--topics", type=int, default=20_000)
        volumes.add_argument("--comments", type=int, default=200_000)
        volumes.add_argument(
            "--review-year",
            type=int,
            default=timezone.localdate().year - 1,
            help="The year of SKPs and reviews (every checkpoint of it); default last year.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (never on a production database).",
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bars.")

    def handle(self, *args, force=False, quiet=False, **o):
        if connection.vendor != "postgresql":
            raise CommandError(
                f"seed_scale needs PostgreSQL (this database is {connection.vendor}): the load "
                "tests measure the production database. Set DATABASE_URL=postgres://..."
            )
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production. Tens of thousands of fake applicants "
                "must not be created there. Use --force only on a test or benchmark database."
            )
        for name in ("formations", "applicants", "units", "employees", "topics", "comments"):
            if o[name] < 1:
                raise CommandError(f"--{name} must be at least 1.")
        year = timezone.localdate().year
        steps = [
            lambda: scale.needs_map(
                units=o["units"], employees=o["employees"], year=year, quiet=quiet
            ),
            lambda: scale.reviews(year=o["review_year"], quiet=quiet),
            lambda: scale.forums(
                topics=o["topics"],
                comments=o["comments"],
                big_topic_comments=min(500, o["comments"]),
                quiet=quiet,
            ),
            lambda: scale.recruitment_period(
                name=SCALE_PERIOD,
                year=year,
                code=f"S{year % 100:02d}",
                formations=o["formations"],
                applications=o["applicants"],
                registration_open=True,
                documents=True,
                quiet=quiet,
            )[1],
        ]
        created = False
        for step in steps:
            built = step()
            created |= built.created
            counts = ", ".join(f"{v:,} {k}" for k, v in built.counts.items())
            if built.created:
                self.stdout.write(self.style.SUCCESS(f"{built.name}: created {counts}."))
            else:
                self.stdout.write(
                    self.style.WARNING(
                        f"{built.name}: already there ({counts}), skipped. Use a fresh "
                        "database to seed other volumes."
                    )
                )
        if created:
            # Fresh planner statistics, as autovacuum would have them in production: without
            # them the first plans assume the tables are still nearly empty.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.stdout.write("Planner statistics refreshed (ANALYZE).")
            # Bulk inserts send no model signal: move every cached page on ourselves.
            invalidate(*cached_apps())
