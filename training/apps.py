from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training and development")

    def ready(self):
        # Imported here: models and the registries they fill exist only once Django is ready.
        from accounts import navigation
        from accounts.roles import Role
        from core import pagecache
        from training import personal_data

        pagecache.register("training")
        personal_data.register()
        Item = navigation.NavItem
        navigation.register(
            Item(
                _("Training"),
                "training:programme_list",
                roles=(Role.EMPLOYEE, Role.SUPERVISOR, Role.HR),
                order=100,
            ),
            Item(_("My training"), "training:my_training", roles=(Role.EMPLOYEE,), order=110),
            Item(_("Team training"), "training:team_requests", roles=(Role.SUPERVISOR,), order=120),
            Item(_("Study hours (JP)"), "training:hr_dashboard", roles=(Role.HR,), order=130),
            Item(_("First training"), "training:onboarding", roles=(Role.HR,), order=135),
        )
