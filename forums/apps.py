from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Community forums")

    def ready(self):
        # Imported here: models and the registries they fill exist only once Django is ready.
        from accounts import navigation, today
        from accounts.roles import Role
        from core import pagecache
        from forums import personal_data
        from forums.access import MODERATOR_ROLES, OFFICIAL_ROLES
        from forums.integration import unit_expectation_notes
        from forums.selectors.today import today_moderation_queue, today_unanswered_topics
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
        today.register(
            today.Section(
                key="forums-moderation",
                title=_("Reports and grievances in the moderation queue"),
                roles=MODERATOR_ROLES,
                provider=today_moderation_queue,
                empty=_("No report or grievance waits for a decision."),
                more_url_name="forums:moderation_queue",
                more_label=_("Moderation queue"),
                order=60,
            ),
            # Officials (forums.access.OFFICIAL_ROLES) give the official answers for every unit.
            today.Section(
                key="forums-unanswered",
                title=_("Topics in my units without an official answer"),
                roles=OFFICIAL_ROLES,
                provider=today_unanswered_topics,
                empty=_("Every residents' topic has an official answer."),
                more_url_name="forums:topic_list",
                more_label=_("Residents' forum"),
                order=70,
            ),
        )
        # A resident lands on their own topics and the answers they got after signing in.
        navigation.register_landing(Role.RESIDENT, "forums:my_topics", order=20)
        Item = navigation.NavItem
        navigation.register_section(navigation.Section("forums", _("Forums"), order=185))
        navigation.register(
            Item(_("Residents' forum"), "forums:topic_list", order=190, section="forums"),
            Item(
                _("My topics"),
                "forums:my_topics",
                roles=(Role.RESIDENT,),
                order=185,
                section="forums",
            ),
            Item(
                _("Rate a service"),
                "forums:ikm_survey",
                roles=(Role.RESIDENT,),
                order=200,
                section="forums",
            ),
            Item(
                _("Moderation"),
                "forums:moderation_queue",
                roles=(Role.MODERATOR,),
                order=210,
                section="forums",
            ),
        )
