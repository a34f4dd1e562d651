from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import WibDateTimeField
from forums.forms.topics import HoneypotMixin, _honeypot
from forums.models import ModerationAction, Report
from workforce.models import Kelurahan, Sector, Unit

Kind = ModerationAction.Kind


class ReportForm(HoneypotMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Report.Reason.choices)
    note = forms.CharField(label=_("Details (optional)"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("reason", "note", _honeypot())


class ModerateForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (k, k.label)
            for k in (Kind.HIDE, Kind.UNHIDE, Kind.LOCK, Kind.UNLOCK, Kind.GRIEVANCE, Kind.DISMISS)
        ],
    )
    reason = forms.CharField(
        label=_("Reason (shown to the author)"), max_length=300, widget=forms.TextInput()
    )

    def __init__(self, *args, comment=False, **kwargs):
        super().__init__(*args, **kwargs)
        if comment:
            self.fields["kind"].choices = [
                (k, k.label) for k in (Kind.HIDE, Kind.UNHIDE, Kind.DISMISS)
            ]
        self.helper = FormHelper()
        self.helper.form_tag = False


class RetagForm(forms.Form):
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.all())
    kelurahan = forms.ModelChoiceField(label=_("Kelurahan"), queryset=Kelurahan.objects.all())
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.order_by("name"), required=False
    )
    reason = forms.CharField(label=_("Reason (shown to the author)"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class SuspendForm(forms.Form):
    reason = forms.CharField(label=_("Reason (shown to the user)"), max_length=300)
    until = WibDateTimeField(
        label=_("Until (WIB)"),
        required=False,
        help_text=_("Empty: until a moderator lifts it."),
    )
    lift = forms.BooleanField(label=_("Lift the suspension instead"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
