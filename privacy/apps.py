from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Personal data (UU PDP)")

    def ready(self):
        from allauth.account.signals import user_signed_up

        from privacy.services import consent_record_at_signup

        # accounts must not import privacy (dependencies point one way): the sign-up consent is
        # recorded by listening to allauth's signal instead.
        user_signed_up.connect(consent_record_at_signup, dispatch_uid="privacy.signup_consent")

        from privacy.services import consent_record_for_application
        from recruitment.signals import application_consented

        application_consented.connect(
            consent_record_for_application, dispatch_uid="privacy.application_consent"
        )
