from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "workforce"
    verbose_name = _("Workforce planning")

    def ready(self):
        # Imported here: models and the registries they fill exist only once Django is ready.
        from accounts import navigation
        from accounts.roles import Role
        from core import home, pagecache
        from workforce import personal_data
        from workforce.selectors.needs import home_figures

        # Proposals are HR's drafts until approved: no public page shows them.
        pagecache.register("workforce", private_models=("FormationProposal", "ProposalItem"))
        home.register_figures(home_figures, labels=("workforce",))
        personal_data.register()
        Item = navigation.NavItem
        navigation.register(
            Item(_("Staffing needs"), "workforce:needs_map", roles=(Role.HR,), order=50),
            Item(_("Formation proposals"), "workforce:proposal_list", roles=(Role.HR,), order=60),
            Item(_("Employees"), "workforce:employee_list", roles=(Role.HR,), order=70),
            Item(_("Staffing summary"), "workforce:public_summary", order=220),
        )
