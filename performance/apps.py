from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = _("Performance evaluation")

    def ready(self):
        # Imported here: models and the registries they fill exist only once Django is ready.
        from accounts import navigation
        from accounts.roles import Role
        from core import pagecache
        from performance import personal_data

        pagecache.register("performance")
        personal_data.register()
        Item = navigation.NavItem
        navigation.register(
            Item(
                _("My performance"),
                "performance:mine",
                roles=(Role.EMPLOYEE, Role.SUPERVISOR),
                order=140,
            ),
            Item(
                _("My team's performance"), "performance:team", roles=(Role.SUPERVISOR,), order=150
            ),
            Item(
                _("Objections"),
                "performance:objection_list",
                roles=(Role.SUPERVISOR, Role.HR),
                order=160,
            ),
            Item(_("Performance dashboard"), "performance:dashboard", roles=(Role.HR,), order=170),
        )
