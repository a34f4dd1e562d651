from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Community forums")

    def ready(self):
        # Imported here: models and the registries they fill exist only once Django is ready.
        from accounts import navigation
        from accounts.roles import Role
        from core import pagecache
        from forums import personal_data
        from forums.integration import unit_expectation_notes
        from workforce.extensions import register_unit_notes

        register_unit_notes(unit_expectation_notes)
        # Follows, e-mail records, reports and session registrations show on no public page.
        pagecache.register(
            "forums",
            private_models=(
                "Follow",
                "Notification",
                "DigestDelivery",
                "Report",
                "SessionRegistration",
            ),
        )
        personal_data.register()
        # A resident lands on their own topics and the answers they got after signing in.
        navigation.register_landing(Role.RESIDENT, "forums:my_topics", order=20)
        Item = navigation.NavItem
        navigation.register(
            Item(_("Residents' forum"), "forums:topic_list", order=190),
            Item(_("My topics"), "forums:my_topics", roles=(Role.RESIDENT,), order=185),
            Item(_("Rate a service"), "forums:ikm_survey", roles=(Role.RESIDENT,), order=200),
            Item(_("Moderation"), "forums:moderation_queue", roles=(Role.MODERATOR,), order=210),
        )
