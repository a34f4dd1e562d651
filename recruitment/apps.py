from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class RecruitmentConfig(AppConfig):
    name = "recruitment"
    verbose_name = _("Recruitment")

    def ready(self):
        # Imported here: models and the registries they fill exist only once Django is ready.
        from accounts import navigation
        from accounts.roles import Role
        from core import home, pagecache
        from recruitment import cache, personal_data
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
        personal_data.register()
        # An applicant lands on their applications after signing in.
        navigation.register_landing(Role.APPLICANT, "recruitment:application_list", order=10)
        Item = navigation.NavItem
        navigation.register(
            Item(_("Vacancies"), "recruitment:vacancy_list", order=20),
            Item(
                _("My applications"),
                "recruitment:application_list",
                roles=(Role.APPLICANT,),
                order=30,
            ),
            Item(_("Announcements"), "recruitment:announcement_index", order=40),
            Item(_("Selection"), "recruitment:hr_period_list", roles=(Role.HR,), order=80),
            Item(
                _("Screening"),
                "recruitment:screening_period_list",
                roles=(Role.HR, Role.VERIFIER),
                order=90,
            ),
        )
