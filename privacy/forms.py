from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.models import DataRequest


class ConsentForm(forms.Form):
    """The consent checkbox, for any step that rests on consent (e.g. an application).
    Render it with templates/privacy/_consent_checkbox.html; on a valid form call
    privacy.services.consent_record(user=..., purpose=...)."""

    privacy_consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree to the processing it describes."),
        required=True,
        error_messages={"required": _("Please read the privacy notice and tick the box.")},
    )


class DataRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you ask for?"), choices=DataRequest.Kind.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For a correction: what is wrong and what is right. For a restriction or a deletion: "
            "which data, if not all of it."
        ),
    )

    def __init__(self, *args, can_lift: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        if not can_lift:  # nothing the person asked to restrict is in force
            kind.choices = [c for c in kind.choices if c[0] != DataRequest.Kind.LIFT_RESTRICTION]
        kind.help_text = _(
            "A restriction keeps your data but stops the portal using it: no e-mails about your "
            "applications, no new application, no taking part in the forums. A selection "
            "already under way continues (legal obligation) unless you withdraw."
        )
        self.helper = FormHelper()
        self.helper.form_action = "privacy:request_create"
        self.helper.add_input(Submit("submit", _("Send the request")))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == DataRequest.Kind.CORRECTION and not cleaned.get("details"):
            self.add_error("details", _("Tell us what to correct."))
        return cleaned


class DataRequestAnswerForm(forms.Form):
    ANSWER_STATUSES = [
        (status.value, status.label)
        for status in (
            DataRequest.Status.IN_PROGRESS,
            DataRequest.Status.DONE,
            DataRequest.Status.PARTLY_DONE,
            DataRequest.Status.REFUSED,
        )
    ]

    status = forms.ChoiceField(label=_("Status"), choices=ANSWER_STATUSES)
    carry_out = forms.BooleanField(
        label=_(
            "Carry out the request now (deletion under the retention rules, restriction flags or "
            "consent withdrawal); the portal sets the status and adds what it did to the outcome"
        ),
        required=False,
    )
    outcome = forms.CharField(
        label=_("Outcome (shown to the person)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, data_request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.data_request = data_request
        if data_request is not None and data_request.kind == DataRequest.Kind.CORRECTION:
            del self.fields["carry_out"]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save the answer")))

    def clean(self):
        cleaned = super().clean()
        closing = cleaned.get("status") in DataRequest.CLOSED
        if closing and not cleaned.get("carry_out") and not cleaned.get("outcome", "").strip():
            self.add_error("outcome", _("Write the outcome the person will read."))
        return cleaned
