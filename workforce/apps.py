from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "workforce"
    verbose_name = _("Workforce planning")

    def ready(self):
        # Imported here: models and the registries they fill exist only once Django is ready.
        from accounts import navigation, today
        from accounts.roles import Role
        from core import home, pagecache
        from workforce import personal_data
        from workforce.selectors.needs import home_figures
        from workforce.selectors.today import today_my_drafts, today_proposals_to_decide

        # Proposals are HR's drafts until approved, import jobs admin records: no public page
        # shows them.
        pagecache.register(
            "workforce",
            private_models=("FormationProposal", "ProposalItem", "EmployeeImportJob"),
        )
        home.register_figures(home_figures, labels=("workforce",))
        personal_data.register()
        Item = navigation.NavItem
        navigation.register_section(navigation.Section("workforce", _("Workforce"), order=50))
        navigation.register(
            Item(
                _("Staffing needs"),
                "workforce:needs_map",
                roles=(Role.HR,),
                order=50,
                section="workforce",
            ),
            Item(
                _("Formation proposals"),
                "workforce:proposal_list",
                roles=(Role.HR,),
                order=60,
                section="workforce",
            ),
            Item(
                _("Employees"),
                "workforce:employee_list",
                roles=(Role.HR,),
                order=70,
                section="workforce",
            ),
            Item(_("Staffing summary"), "workforce:public_summary", order=220, section="workforce"),
        )
        today.register(
            today.Section(
                key="workforce-proposals",
                title=_("Formation proposals to decide"),
                roles=(Role.HR,),
                provider=today_proposals_to_decide,
                empty=_("No proposal waits for a decision."),
                more_url_name="workforce:proposal_list",
                more_label=_("All proposals"),
                order=60,
            ),
            today.Section(
                key="workforce-drafts",
                title=_("My draft proposals"),
                roles=(Role.HR,),
                provider=today_my_drafts,
                empty=_("You have no unsent draft."),
                more_url_name="workforce:proposal_create",
                more_label=_("New proposal"),
                order=65,
                hide_when_empty=True,
            ),
        )
