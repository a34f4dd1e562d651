from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Personal data (UU PDP)")

    def ready(self):
        # Imported here: models and the registries they fill exist only once Django is ready.
        from allauth.account.signals import user_signed_up

        from accounts import dataprotection, navigation, today
        from accounts.roles import Role
        from privacy import personal_data
        from privacy.selectors import Answers, today_requests
        from privacy.services import consent_record_at_signup, consent_record_given

        # accounts must not import privacy (dependencies point one way): the sign-up consent is
        # recorded by listening to allauth's signal instead.
        user_signed_up.connect(consent_record_at_signup, dispatch_uid="privacy.signup_consent")
        # The apps below privacy ask accounts.dataprotection whether someone is restricted or has
        # consented, and announce a consent with its signal; this app answers and records.
        dataprotection.install(Answers())
        dataprotection.consent_given.connect(consent_record_given, dispatch_uid="privacy.consent")
        personal_data.register()
        navigation.register(
            navigation.NavItem(
                _("Data requests"),
                "privacy:request_list",
                roles=(Role.HR,),
                order=180,
                section="administration",
            )
        )
        today.register(
            today.Section(
                key="privacy-requests",
                title=_("Data-protection requests"),
                roles=(Role.HR,),
                provider=today_requests,
                empty=_("No data-protection request is open."),
                more_url_name="privacy:request_list",
                more_label=_("All requests"),
                order=90,
            )
        )
