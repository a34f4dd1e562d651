"""The main navigation: one list, filtered by the roles a user holds, so each person sees what
they can do. Each capability adds its entries here as it lands."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, has_role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple = ()  # empty: everyone who may see the section
    staff_only: bool = False

    def visible_to(self, user) -> bool:
        if self.staff_only and not (user.is_authenticated and user.is_staff):
            return False
        return not self.roles or has_role(user, *self.roles)


MAIN_ITEMS = (
    NavItem(_("Home"), "home"),
    NavItem(_("Vacancies"), "recruitment:vacancy_list"),
    NavItem(_("My applications"), "recruitment:application_list", roles=(Role.APPLICANT,)),
    NavItem(_("Announcements"), "recruitment:announcement_index"),
    NavItem(_("Staffing needs"), "workforce:needs_map", roles=(Role.HR,)),
    NavItem(_("Formation proposals"), "workforce:proposal_list", roles=(Role.HR,)),
    NavItem(_("Employees"), "workforce:employee_list", roles=(Role.HR,)),
    NavItem(_("Selection"), "recruitment:hr_period_list", roles=(Role.HR,)),
    NavItem(_("Screening"), "recruitment:screening_period_list", roles=(Role.HR, Role.VERIFIER)),
    NavItem(
        _("Training"), "training:programme_list", roles=(Role.EMPLOYEE, Role.SUPERVISOR, Role.HR)
    ),
    NavItem(_("My training"), "training:my_training", roles=(Role.EMPLOYEE,)),
    NavItem(_("Team training"), "training:team_requests", roles=(Role.SUPERVISOR,)),
    NavItem(_("Study hours (JP)"), "training:hr_dashboard", roles=(Role.HR,)),
    NavItem(_("My performance"), "performance:mine", roles=(Role.EMPLOYEE, Role.SUPERVISOR)),
    NavItem(_("My team's performance"), "performance:team", roles=(Role.SUPERVISOR,)),
    NavItem(_("Objections"), "performance:objection_list", roles=(Role.SUPERVISOR, Role.HR)),
    NavItem(_("Performance dashboard"), "performance:dashboard", roles=(Role.HR,)),
    NavItem(_("Data requests"), "privacy:request_list", roles=(Role.HR,)),
    NavItem(_("Residents' forum"), "forums:topic_list"),
    NavItem(_("Rate a service"), "forums:ikm_survey", roles=(Role.RESIDENT,)),
    NavItem(_("Moderation"), "forums:moderation_queue", roles=(Role.MODERATOR,)),
    NavItem(_("Staffing summary"), "workforce:public_summary"),
    NavItem(
        _("Administration"),
        "admin:index",
        roles=(Role.HR, Role.MODERATOR, Role.ADMINISTRATOR),
        staff_only=True,
    ),
)


def navigation(request):
    user = request.user
    current = request.path
    items = []
    for item in MAIN_ITEMS:
        if item.visible_to(user):
            url = reverse(item.url_name)
            active = current == url if url == "/" else current.startswith(url)
            items.append({"label": item.label, "url": url, "active": active})
    return {"nav_items": items}
