"""The two things every selection stage shares: the decision log and the rule that turns the
document checks into the application's administrative result (docs/domain.md 1.4)."""

from django.db import transaction
from django.utils import timezone

from recruitment.models import AdminResult, Application, Decision, DocumentCheck


def decision_log(
    *,
    application: Application,
    kind: str,
    actor,
    subject: str = "",
    before: str = "",
    after: str = "",
    reason: str = "",
) -> Decision:
    """Append one decision (who, when, what before and after, why). Never updated."""
    return Decision.objects.create(
        application=application,
        kind=kind,
        subject=subject[:60],
        before=str(before)[:200],
        after=str(after)[:200],
        reason=reason,
        actor=actor,
        at=timezone.now(),
    )


def admin_result_from_checks(required_ids: set[int], checks: dict[int, str]) -> str:
    """TMS as soon as one required document is TMS; MS when every required document is MS;
    "" (not finished) otherwise. `checks` maps requirement id -> MS/TMS."""
    results = [checks.get(requirement_id) for requirement_id in required_ids]
    if AdminResult.TMS in results:
        return AdminResult.TMS
    if results and all(result == AdminResult.MS for result in results):
        return AdminResult.MS
    return ""


@transaction.atomic
def application_recompute_admin_result(*, application: Application) -> str:
    """Store the result that follows from the checks of the formation's required documents."""
    required = set(application.formation.required_documents.values_list("pk", flat=True))
    checks = dict(
        DocumentCheck.objects.filter(application=application).values_list(
            "requirement_id", "result"
        )
    )
    result = admin_result_from_checks(required, checks)
    if application.admin_result != result:
        Application.objects.filter(pk=application.pk).update(admin_result=result)
        application.admin_result = result
    return result
