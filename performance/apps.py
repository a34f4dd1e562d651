from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = _("Performance evaluation")

    def ready(self):
        # Imported here: models and the registries they fill exist only once Django is ready.
        # performance.notices holds a Celery task outside tasks.py: registered with the worker.
        from accounts import navigation, today
        from accounts.roles import Role
        from core import pagecache
        from performance import (
            notices,  # noqa: F401
            personal_data,
        )
        from performance.selectors import today as tasks
        from performance.selectors.gaps import review_gaps
        from training import review_gaps as training_gaps

        pagecache.register("performance")
        # Training recommends programmes for the gaps of an employee's latest final review.
        training_gaps.register(review_gaps)
        personal_data.register()
        Item = navigation.NavItem
        navigation.register_section(navigation.Section("performance", _("Performance"), order=140))
        navigation.register(
            Item(
                _("My performance"),
                "performance:mine",
                roles=(Role.EMPLOYEE, Role.SUPERVISOR),
                order=140,
                section="performance",
            ),
            Item(
                _("My team's performance"),
                "performance:team",
                roles=(Role.SUPERVISOR,),
                order=150,
                section="performance",
            ),
            Item(
                _("Objections"),
                "performance:objection_list",
                roles=(Role.SUPERVISOR, Role.HR),
                order=160,
                section="performance",
            ),
            Item(
                _("Performance dashboard"),
                "performance:dashboard",
                roles=(Role.HR,),
                order=170,
                section="performance",
            ),
        )
        today.register(
            today.Section(
                key="performance-reviews",
                title=_("Reviews to write"),
                roles=(Role.SUPERVISOR,),
                provider=tasks.today_reviews_to_write,
                empty=_("No review waits for you."),
                more_url_name="performance:team",
                more_label=_("My team"),
                order=40,
            ),
            today.Section(
                key="performance-objections",
                title=_("Objections to resolve"),
                roles=(Role.SUPERVISOR, Role.HR),
                provider=tasks.today_objections_to_resolve,
                empty=_("No objection waits for your decision."),
                more_url_name="performance:objection_list",
                more_label=_("All objections"),
                order=45,
            ),
            today.Section(
                key="performance-confirm",
                title=_("Waiting for your confirmation"),
                roles=(Role.EMPLOYEE,),
                provider=tasks.today_reviews_to_confirm,
                empty=_("No review waits for your confirmation."),
                more_url_name="performance:mine",
                more_label=_("My performance"),
                order=42,
            ),
            today.Section(
                key="performance-skp",
                title=_("SKP to fill in"),
                roles=(Role.EMPLOYEE,),
                provider=tasks.today_skps_to_agree,
                empty=_("Your SKP is agreed."),
                more_url_name="performance:mine",
                more_label=_("My performance"),
                order=43,
                hide_when_empty=True,
            ),
        )
