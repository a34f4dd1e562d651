"""HR's menu link to the leadership reports, registered from OpendataConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from accounts import navigation
from accounts.roles import Role


def register_report_navigation() -> None:
    # In HR's Workforce menu, after Employees: the report starts from the staffing gaps.
    navigation.register(
        navigation.NavItem(
            _("Leadership reports"),
            "opendata:report_list",
            roles=(Role.HR,),
            order=75,
            section="workforce",
        )
    )
