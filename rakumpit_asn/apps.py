from django.apps import AppConfig


class RakumpitAsnConfig(AppConfig):
    """The project package is installed for its management commands, which wire every app
    together (seed_demo, seed_scale, backup, restore, breach_report)."""

    name = "rakumpit_asn"
    verbose_name = "Rakumpit ASN"
