from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_TOTP_SECRET, demo_totp_code
from accounts.models import User


class Command(BaseCommand):
    help = (
        "Print the current 6-digit sign-in code of a demo staff account's authenticator app "
        f"(secret {DEMO_TOTP_SECRET}). Demo accounts only, and only with DEBUG on."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "email",
            nargs="?",
            default=f"hr@{settings.DEMO_EMAIL_DOMAIN}",
            help="A demo account's e-mail (default: the demo HR account).",
        )

    def handle(self, *args, email, **options):
        if not settings.DEBUG:
            raise CommandError("DEBUG is off: demo sign-in codes are for development only.")
        if not email.lower().endswith(f"@{settings.DEMO_EMAIL_DOMAIN}"):
            raise CommandError(f"{email} is not a demo account (@{settings.DEMO_EMAIL_DOMAIN}).")
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account {email}: run `manage.py seed_demo` first.")
        code = demo_totp_code(user)
        if code is None:
            raise CommandError(
                f"{email} has no authenticator app with the demo secret (only staff accounts do)."
            )
        self.stdout.write(code)
