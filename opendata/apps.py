from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """Open data: the public API (/api/v1/), the datasets and their catalogue (/data/), and the
    leadership report. It reads the domain apps and writes none of their data, so it sits above
    them (docs/opendata.md)."""

    name = "opendata"
    verbose_name = _("Open data")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from opendata import catalogue, personal_data
        from opendata.datasets import register_all
        from opendata.report.navigation import register_report_navigation

        register_all(catalogue.DATASETS)
        personal_data.register()
        register_report_navigation()
