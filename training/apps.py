from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training and development")

    def ready(self):
        # Imported here: models and the registries they fill exist only once Django is ready.
        # training.notices holds a Celery task outside tasks.py: registered with the worker here.
        from accounts import navigation, today
        from accounts.roles import Role
        from core import pagecache
        from training import (
            notices,  # noqa: F401
            personal_data,
        )
        from training.selectors import today as today_selectors

        pagecache.register("training")
        personal_data.register()
        today.register(
            today.Section(
                key="training-requests",
                title=_("Enrolment requests to approve"),
                roles=(Role.SUPERVISOR,),
                provider=today_selectors.today_requests_to_approve,
                empty=_("No training request waits for your decision."),
                more_url_name="training:team_requests",
                more_label=_("Team training"),
                order=60,
            ),
            today.Section(
                key="training-mine",
                title=_("My training"),
                roles=(Role.EMPLOYEE,),
                provider=today_selectors.today_my_training,
                empty=_("No training session ahead and your study hours are complete."),
                more_url_name="training:my_training",
                more_label=_("My training and recommendations"),
                order=70,
            ),
            today.Section(
                key="training-waiting-lists",
                title=_("Training waiting lists"),
                roles=(Role.HR,),
                provider=today_selectors.today_waiting_lists,
                empty=_("No upcoming session has a waiting list."),
                more_url_name="training:programme_manage_list",
                more_label=_("Plan programmes and sessions"),
                order=65,
            ),
        )
        Item = navigation.NavItem
        navigation.register_section(navigation.Section("training", _("Training"), order=100))
        navigation.register(
            Item(
                _("Training"),
                "training:programme_list",
                roles=(Role.EMPLOYEE, Role.SUPERVISOR, Role.HR),
                order=100,
                section="training",
            ),
            Item(
                _("My training"),
                "training:my_training",
                roles=(Role.EMPLOYEE,),
                order=110,
                section="training",
            ),
            Item(
                _("Team training"),
                "training:team_requests",
                roles=(Role.SUPERVISOR,),
                order=120,
                section="training",
            ),
            Item(
                _("Study hours (JP)"),
                "training:hr_dashboard",
                roles=(Role.HR,),
                order=130,
                section="training",
            ),
            Item(
                _("Plan programmes and sessions"),
                "training:programme_manage_list",
                roles=(Role.HR,),
                order=132,
                section="training",
            ),
            Item(
                _("First training"),
                "training:onboarding",
                roles=(Role.HR,),
                order=135,
                section="training",
            ),
            # Residents invited to a session as a speaker or an observer.
            Item(
                _("Training invitations"),
                "training:my_invitations",
                roles=(Role.RESIDENT,),
                order=138,
            ),
        )
