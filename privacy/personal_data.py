"""The privacy app's own records of a person: consents, requests and restrictions (kept: they
prove what the person agreed to and asked for), registered like every app's (PrivacyConfig)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import audit, personaldata
from core.personaldata import Erasure, Export, declare
from privacy.models import Consent, DataRequest, Restriction, RetentionRun

PROOF = "Proof of what the person agreed to and asked for (UU PDP Pasal 24)."


def register() -> None:
    declare(Consent, subject="user", fields=("user",), erasure=Erasure.KEPT, note=PROOF)
    declare(
        DataRequest, subject="user", fields=("user", "handled_by"), erasure=Erasure.KEPT, note=PROOF
    )
    declare(Restriction, subject="user", fields=("user",), erasure=Erasure.KEPT, note=PROOF)
    declare(
        RetentionRun,
        subject="actor",
        fields=("actor",),
        erasure=Erasure.KEPT,
        note="Who ran the retention job: the accountability of a public body.",
    )
    audit.register(Consent)
    audit.register(DataRequest)
    personaldata.register_export("privacy", export, order=5)
    personaldata.register_summary(summary, order=5)
    personaldata.register_eraser(erase, order=80)


def export(export: Export) -> dict:
    user = export.user
    requests = []
    for data_request in user.privacy_requests.all():
        row = export.record(data_request, exclude=("log",))
        row["log"] = [
            {**entry, "by": _log_author(entry.get("by"), user)} for entry in data_request.log
        ]
        requests.append(row)
    return {
        "consents": [export.record(c) for c in user.privacy_consents.all()],
        "requests": requests,
        "restrictions": [export.record(r) for r in user.privacy_restrictions.all()],
    }


def _log_author(by, user) -> str:
    """Who did a handling step, without naming staff: the person, staff, or the portal itself
    (the answer e-mail)."""
    if by is None:
        return "portal"
    return "you" if by == user.pk else "staff"


def summary(user) -> list[dict]:
    return [
        {"label": _("Consents"), "count": Consent.objects.filter(user=user).count()},
        {
            "label": _("Personal-data requests"),
            "count": DataRequest.objects.filter(user=user).count(),
        },
    ]


def erase(*, user, report, now) -> None:
    withdrawn = user.privacy_consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
    if withdrawn:
        report.deleted.append(
            ngettext("%(count)d consent withdrawn", "%(count)d consents withdrawn", withdrawn)
            % {"count": withdrawn}
        )
