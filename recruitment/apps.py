from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class RecruitmentConfig(AppConfig):
    name = "recruitment"
    verbose_name = _("Recruitment")

    def ready(self):
        # Imported here: models and the registries they fill exist only once Django is ready.
        from accounts import navigation, today
        from accounts.roles import Role
        from core import home, pagecache
        from recruitment import cache, personal_data
        from recruitment.selectors import today as today_tasks
        from recruitment.selectors.vacancies import home_figures

        pagecache.register(
            "recruitment",
            private_models=cache.PRIVATE_MODELS,
            private_fields=cache.PRIVATE_FIELDS,
            private_rows={"Application": cache.is_draft},
            scopes=[cache.APPLICATION_PAGES],
            # A name changed on the account shows on HR's application list (the fallback when
            # the applicant profile has none); a sign-in, which saves only last_login, does not.
            watches=[
                pagecache.Watch(
                    settings.AUTH_USER_MODEL,
                    labels=("recruitment:all",),
                    ignore_fields=frozenset({"last_login", "password"}),
                )
            ],
        )
        home.register_figures(home_figures, labels=("recruitment",))
        # The needs map shows the places still open in selections beside each position's gap.
        from recruitment.selectors.appointments import open_places_by_position
        from workforce.extensions import register_places_in_selection

        register_places_in_selection(open_places_by_position, generations=("recruitment",))
        # A forum discussion's outcome links to the formations it informed (forums' session page).
        from forums.integration import register_outcome_links
        from recruitment.selectors.vacancies import formations_informed_by

        register_outcome_links(formations_informed_by)
        personal_data.register()
        # An applicant lands on their applications after signing in.
        navigation.register_landing(Role.APPLICANT, "recruitment:application_list", order=10)
        Item = navigation.NavItem
        navigation.register_section(navigation.Section("recruitment", _("Recruitment"), order=20))
        navigation.register(
            Item(_("Vacancies"), "recruitment:vacancy_list", order=20, section="recruitment"),
            Item(
                _("My applications"),
                "recruitment:application_list",
                roles=(Role.APPLICANT,),
                order=30,
                section="recruitment",
            ),
            Item(
                _("Announcements"),
                "recruitment:announcement_index",
                order=40,
                section="recruitment",
            ),
            Item(
                _("Selection"),
                "recruitment:hr_period_list",
                roles=(Role.HR,),
                order=80,
                section="recruitment",
            ),
            Item(
                _("Screening"),
                "recruitment:screening_period_list",
                roles=(Role.HR, Role.VERIFIER),
                order=90,
                section="recruitment",
            ),
        )
        today.register(
            today.Section(
                key="recruitment-screening",
                title=_("Applications to screen"),
                roles=(Role.HR, Role.VERIFIER),
                provider=today_tasks.today_screening,
                empty=_("No application waits for screening."),
                more_url_name="recruitment:screening_period_list",
                more_label=_("All screening"),
                order=10,
            ),
            today.Section(
                key="recruitment-second-checks",
                title=_("Second checks"),
                roles=(Role.HR, Role.VERIFIER),
                provider=today_tasks.today_second_checks,
                empty=_("No screening result waits for a second check."),
                order=15,
                hide_when_empty=True,
            ),
            today.Section(
                key="recruitment-appeals",
                title=_("Appeals to answer"),
                roles=(Role.HR,),
                provider=today_tasks.today_appeals,
                empty=_("No appeal waits for an answer."),
                order=20,
            ),
            today.Section(
                key="recruitment-score-imports",
                title=_("Score files to confirm"),
                roles=(Role.HR,),
                provider=today_tasks.today_score_imports,
                empty=_("No checked score file waits for confirmation."),
                order=25,
                hide_when_empty=True,
            ),
        )
