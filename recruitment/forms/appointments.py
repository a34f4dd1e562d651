"""Forms of the appointment page: one start date (and PPPK contract) for everyone ticked, an
optional NIP per person, and the reasons of a declined place or a correction. They validate and
normalise; recruitment/services/appointments.py writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from recruitment.services.appointments import Appoint
from workforce.validators import validate_nip


class AppointmentBatchForm(forms.Form):
    """Tick the people to appoint; the start date applies to all of them (HR appoints a batch
    with one decree), the NIP is per person and may wait for BKN."""

    tmt = forms.DateField(
        label=_("Start date (TMT)"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The date the appointment takes effect, for everyone ticked."),
    )
    contract_years = forms.TypedChoiceField(
        label=_("Contract (years)"),
        coerce=int,
        choices=[(years, years) for years in range(1, 6)],
        initial=5,
        help_text=_("PPPK: the length of the work agreement, at least 1 year."),
    )
    selected = forms.TypedMultipleChoiceField(
        label=_("Appoint"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one person to appoint.")},
    )

    def __init__(self, *args, period, results, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        if not period.is_pppk:
            del self.fields["contract_years"]
        waiting = [result for result in results if result.appointment is None]
        self.fields["selected"].choices = [
            (result.application_id, result.application.registration_number) for result in waiting
        ]
        for result in waiting:
            self.fields[self.nip_name(result.application_id)] = forms.CharField(
                label=_("NIP or NI PPPK of %(number)s")
                % {"number": result.application.registration_number},
                required=False,
                max_length=18,
                validators=[validate_nip],
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "autocomplete": "off", "size": 18}
                ),
            )
        chosen = {str(value) for value in (self.data.getlist("selected") if self.is_bound else [])}
        # (NIP field, ticked, the tick's element id) per person waiting; the ticks are laid out
        # by hand, one per person's row, so the error summary links "Appoint" to the first.
        self.rows = {
            result.application_id: (
                self[self.nip_name(result.application_id)],
                str(result.application_id) in chosen,
                self.tick_id(result.application_id),
            )
            for result in waiting
        }
        if waiting:
            self.error_summary_targets = {"selected": self.tick_id(waiting[0].application_id)}

    @staticmethod
    def tick_id(application_id: int) -> str:
        return f"tick-{application_id}"

    @staticmethod
    def nip_name(application_id: int) -> str:
        return f"nip_{application_id}"

    def clean(self):
        cleaned = super().clean()
        # A NIP typed for someone not ticked would be silently dropped: say so instead.
        ticked = set(cleaned.get("selected") or [])
        for application_id in self.rows:
            if cleaned.get(self.nip_name(application_id)) and application_id not in ticked:
                self.add_error(
                    self.nip_name(application_id),
                    _("Tick this person to appoint them, or clear the NIP."),
                )
        return cleaned

    def appointments(self) -> list[Appoint]:
        data = self.cleaned_data
        return [
            Appoint(
                application_id=application_id,
                tmt=data["tmt"],
                nip=data.get(self.nip_name(application_id)) or "",
                contract_years=data.get("contract_years"),
            )
            for application_id in data["selected"]
        ]


class DeclineForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        help_text=_("For example: declined in writing on 3 March, or did not come forward."),
    )


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=1000,
        error_messages={"required": _("Give the reason for this correction.")},
    )
