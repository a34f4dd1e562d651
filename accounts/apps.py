from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Imported here: models and the registries they fill exist only once Django is ready.
        from accounts import navigation, personal_data
        from accounts.roles import Role, sync_role_permissions, user_roles

        TODAY_ROLES = (
            Role.HR,
            Role.VERIFIER,
            Role.MODERATOR,
            Role.ADMINISTRATOR,
            Role.SUPERVISOR,
            Role.EMPLOYEE,
        )
        from core import pagecache

        # Permissions only exist after migrate has run, so the sync hangs off post_migrate.
        post_migrate.connect(sync_role_permissions, dispatch_uid="accounts.sync_role_permissions")
        # A page part kept for signed-in people differs by what their roles let them see.
        pagecache.set_viewer_key(lambda user: ",".join(sorted(user_roles(user))))
        personal_data.register()
        # Everyone who works in the office lands on "Today", before their other roles' pages.
        for role in TODAY_ROLES:
            navigation.register_landing(role, "accounts:today", order=5)
        navigation.register_section(
            navigation.Section("administration", _("Administration"), order=230)
        )
        navigation.register(
            navigation.NavItem(_("Home"), "home", order=10),
            navigation.NavItem(_("Today"), "accounts:today", roles=TODAY_ROLES, order=5),
            navigation.NavItem(
                _("Admin site"),
                "admin:index",
                roles=(Role.HR, Role.MODERATOR, Role.ADMINISTRATOR),
                staff_only=True,
                order=230,
                section="administration",
            ),
        )
