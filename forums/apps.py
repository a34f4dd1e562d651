from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Community forums")

    def ready(self):
        from forums.integration import unit_expectation_notes
        from workforce.extensions import register_unit_notes

        register_unit_notes(unit_expectation_notes)
