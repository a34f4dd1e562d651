from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core import outbox
        from notifications import personal_data
        from notifications.services import on_failed_for_good

        personal_data.register()
        outbox.failed_for_good.connect(on_failed_for_good, dispatch_uid="notifications.fallback")
