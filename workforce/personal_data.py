"""The workforce app's personal data (UU 27/2022 PDP): the employee register. Employment records
are kept under the civil-service archive rules (a legal obligation): a deletion request leaves
them and says so. Registered in WorkforceConfig.ready()."""

from django.utils.translation import gettext as _

from core import audit, personaldata
from core.personaldata import Erasure, Export, declare
from workforce.models import AbkSheet, Employee, EmployeeImportJob, FormationProposal, Unit

STAFF_RECORD = "Who changed the record and when: the accountability of a public body."


def register() -> None:
    personaldata.register_person(Employee, user_field="user")
    declare(
        Employee,
        subject="user",
        fields=("nip", "full_name", "birth_date", "user", "supervisor"),
        erasure=Erasure.KEPT,
        note="The employee register: kept under the civil-service archive rules.",
    )
    declare(
        AbkSheet,
        subject="updated_by",
        fields=("updated_by",),
        erasure=Erasure.KEPT,
        note=STAFF_RECORD,
    )
    declare(
        FormationProposal,
        subject="created_by",
        fields=("created_by", "submitted_by", "decided_by"),
        erasure=Erasure.KEPT,
        note=STAFF_RECORD,
    )
    declare(
        EmployeeImportJob,
        subject="created_by",
        fields=("created_by",),
        erasure=Erasure.KEPT,
        note=STAFF_RECORD + " Its error text may quote a cell of the file (the register's data).",
    )
    declare(
        Unit,
        subject=None,
        fields=(),
        erasure=Erasure.KEPT,
        note="The address is a public office's, not a person's.",
    )
    audit.register(Employee, mask_fields=("nip",))
    personaldata.register_export("employment", export, order=30)
    personaldata.register_summary(summary, order=30)
    personaldata.register_eraser(erase, order=20)


def employee_of(user) -> Employee | None:
    return Employee.objects.filter(user=user).select_related("position__unit").first()


def export(export: Export) -> dict | None:
    employee = employee_of(export.user)
    if employee is None:
        return None
    return {
        "employee": export.record(
            employee,
            extra={"position": str(employee.position), "unit": str(employee.position.unit)},
        )
    }


def summary(user) -> list[dict]:
    if not Employee.objects.filter(user=user).exists():
        return []
    return [{"label": _("Employee record"), "count": 1}]


def erase(*, user, report, now) -> None:
    if Employee.objects.filter(user=user).exists():
        report.kept_by_law = True
        report.kept.append(
            _(
                "employment records (employee register, training, performance): kept under "
                "the civil-service archive rules (legal obligation)"
            )
        )
