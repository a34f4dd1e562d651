"""Form fields every app shares."""

from datetime import datetime

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WibDateTimeField(forms.DateTimeField):
    """A date and time typed in WIB (the portal's time zone), whatever zone is active: 23:59
    typed is 23:59 WIB. Its label says "(WIB)"."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value):
            return timezone.localtime(value, timezone.get_default_timezone()).replace(tzinfo=None)
        return value

    def to_python(self, value):
        with timezone.override(timezone.get_default_timezone()):
            return super().to_python(value)


# A ModelAdmin's `formfield_overrides` for the admin forms where people type a date and time (a
# deadline, a session's start): the admin's date and time boxes say the time is WIB.
WIB_ADMIN_DATETIMES = {
    models.DateTimeField: {"help_text": _("Date and time in WIB (Asia/Jakarta).")},
}
