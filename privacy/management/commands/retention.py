from django.core.management.base import BaseCommand, CommandError

from privacy.retention import RetentionAlreadyRunning, retention_run


class Command(BaseCommand):
    help = (
        "Delete the documents and identity data of applicants who were not hired, "
        "RETENTION_APPLICANT_DAYS after their period's final announcement. Dry run (a plan, "
        "no change) unless --apply. Safe to run again: the second run finds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="carry out the plan")

    def handle(self, *args, apply=False, **options):
        try:
            run = retention_run(
                apply=apply, triggered_by="command", log=lambda line: self.stdout.write(line)
            )
        except RetentionAlreadyRunning as exc:
            raise CommandError(str(exc)) from exc
        label = "applied" if apply else "dry run (nothing changed; use --apply)"
        self.stdout.write(self.style.SUCCESS(f"retention run {run.pk}: {label}: {run.counts}"))
