"""Reads of the employee register. Personal data: only HR's views call these."""

from django.db.models import QuerySet

from workforce.models import Employee, Kelurahan, Sector, Unit


def employee_register(
    *,
    sector: Sector | None = None,
    unit: Unit | None = None,
    kelurahan: Kelurahan | None = None,
    asn_type: str = "",
    status: str = "",
    search: str = "",
) -> QuerySet[Employee]:
    """The register, filtered, in name order, with everything a row shows already joined."""
    employees = Employee.objects.select_related(
        "position__unit__sector", "position__unit__kelurahan"
    )
    if sector:
        employees = employees.filter(position__unit__sector=sector)
    if unit:
        employees = employees.filter(position__unit=unit)
    if kelurahan:
        employees = employees.filter(position__unit__kelurahan=kelurahan)
    if asn_type:
        employees = employees.filter(asn_type=asn_type)
    if status:
        employees = employees.filter(status=status)
    search = " ".join(search.split())
    if search:
        # By name only: a NIP (it holds the birth date) would travel in the page's address, and
        # personal data stays out of URLs and access logs (UU PDP).
        employees = employees.filter(full_name__icontains=search)
    return employees.order_by("full_name", "nip")
