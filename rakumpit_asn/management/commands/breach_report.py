import csv
import json
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core import audit

WARNING = (
    "WARNING: this report is personal data (the identities of data subjects). Use it only for "
    "the breach notification (UU 27/2022 Pasal 46), keep it off e-mail and shared folders, and "
    "delete it when the notification is done. See docs/operations/breach-runbook.md."
)


def _moment(value: str, option: str) -> datetime:
    """ "2026-11-01 00:00" (read as WIB) or an ISO 8601 time with its own offset."""
    parsed = parse_datetime((value or "").strip())
    if parsed is None:
        raise CommandError(f'{option}: "{value}" is not a time like "2026-11-01 00:00".')
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, audit.REPORT_TIME_ZONE)
    return parsed


def _wib(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment, audit.REPORT_TIME_ZONE).strftime("%Y-%m-%d %H:%M:%S")


def _cell(value) -> str:
    """CSV cells that a spreadsheet would run as a formula are quoted as text."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


class Command(BaseCommand):
    help = (
        "List the data subjects whose records the audit trail shows created, changed, deleted "
        "or accessed between --since and --until (WIB unless an offset is given), on the given "
        "audited models (default: all), with counts per model and action, user id and e-mail. "
        "For the breach runbook (docs/operations/breach-runbook.md). The output is personal data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help='Start, e.g. "2026-11-01 00:00" (WIB).')
        parser.add_argument(
            "--until", required=True, help='End, not included, e.g. "2026-11-02 00:00" (WIB).'
        )
        parser.add_argument(
            "--model",
            action="append",
            dest="models",
            metavar="APP.MODEL",
            help="An audited model, e.g. recruitment.ApplicantProfile; repeat for several.",
        )
        parser.add_argument("--format", choices=["text", "csv", "json"], default="text")

    def handle(self, *args, since, until, models=None, format="text", **options):
        start, end = _moment(since, "--since"), _moment(until, "--until")
        if end <= start:
            raise CommandError("--until must be later than --since.")
        try:
            report = audit.breach_report(since=start, until=end, models=models)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stderr.write(self.style.WARNING(WARNING))
        {"text": self._text, "csv": self._csv, "json": self._json}[format](report)

    def _text(self, report):
        zone = audit.REPORT_TIME_ZONE_LABEL
        write = self.stdout.write
        write(f"Audit trail from {_wib(report.since)} to {_wib(report.until)} {zone}")
        write(f"Models: {', '.join(report.models)}")
        write(f"Log entries: {report.entries}")
        if report.counts:
            write("\nEntries per model and action:")
            for (label, action), count in sorted(report.counts.items()):
                write(f"  {label:<32} {action:<7} {count:>7}")
        write(f"\nData subjects with an account: {len(report.subjects)}")
        for subject in report.subjects:
            write(
                f"  user {subject.user_id}  {subject.email or '(no e-mail recorded)'}  "
                f"{subject.entries} entries, {_wib(subject.first_at)} to "
                f"{_wib(subject.last_at)} {zone}"
            )
            for (label, action), count in sorted(subject.counts.items()):
                write(f"      {label} {action}: {count}")
        if report.without_user:
            write(
                "\nRecords without a user account (an employee without one) or about no single "
                "person (an announcement): identify the people from these records."
            )
            for (label, action), pks in sorted(report.without_user.items()):
                write(f"  {label} {action}: ids {', '.join(sorted(pks, key=_pk_order))}")

    def _csv(self, report):
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["user_id", "email", "model", "action", "entries", "object_ids"])
        for subject in report.subjects:
            for (label, action), count in sorted(subject.counts.items()):
                ids = " ".join(sorted(subject.objects[label], key=_pk_order))
                writer.writerow([subject.user_id, _cell(subject.email), label, action, count, ids])
        for (label, action), pks in sorted(report.without_user.items()):
            ids = " ".join(sorted(pks, key=_pk_order))
            writer.writerow(["", "", label, action, len(pks), ids])

    def _json(self, report):
        data = {
            "time_zone": "Asia/Jakarta (WIB)",
            "since": timezone.localtime(report.since, audit.REPORT_TIME_ZONE).isoformat(),
            "until": timezone.localtime(report.until, audit.REPORT_TIME_ZONE).isoformat(),
            "models": report.models,
            "entries": report.entries,
            "counts": [
                {"model": label, "action": action, "entries": count}
                for (label, action), count in sorted(report.counts.items())
            ],
            "subjects": [
                {
                    "user_id": subject.user_id,
                    "email": subject.email,
                    "entries": subject.entries,
                    "first_at": timezone.localtime(
                        subject.first_at, audit.REPORT_TIME_ZONE
                    ).isoformat(),
                    "last_at": timezone.localtime(
                        subject.last_at, audit.REPORT_TIME_ZONE
                    ).isoformat(),
                    "counts": [
                        {"model": label, "action": action, "entries": count}
                        for (label, action), count in sorted(subject.counts.items())
                    ],
                }
                for subject in report.subjects
            ],
            "without_user": [
                {"model": label, "action": action, "object_ids": sorted(pks, key=_pk_order)}
                for (label, action), pks in sorted(report.without_user.items())
            ],
        }
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))


def _pk_order(pk: str):
    return (0, int(pk), "") if pk.isdigit() else (1, 0, pk)
