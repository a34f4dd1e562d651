from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_ACCOUNTS, demo_email
from rakumpit_asn.management import demo


class Command(BaseCommand):
    help = (
        "Create or refresh the demo data: Rakumpit's kelurahan and sectors and one account per "
        "role (password in settings.DEMO_PASSWORD). Safe to run again: it updates, never "
        "duplicates. Refuses to run with DEBUG off unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (never on a production database).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production. Demo accounts with a public password "
                "must not be created there. Use --force only on a test or staging database."
            )
        demo.seed(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Accounts (all with the password {settings.DEMO_PASSWORD}):"
            )
        )
        for key, _full_name, roles, _staff, _superuser in DEMO_ACCOUNTS:
            names = ", ".join(str(role.label) for role in roles)
            self.stdout.write(f"  {demo_email(key):40} {names}")
