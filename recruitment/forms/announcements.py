"""Forms of the announcement, appeal (sanggah) and exam-session pages. They validate and
normalise; the services in recruitment.services.{announcements,appeals,exams} write."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from recruitment.models import Announcement, ExamSession

MAX_TEXT = 4000


class PublishAnnouncementForm(forms.Form):
    kind = forms.ChoiceField(choices=Announcement.Kind.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note shown with the announcement (optional)"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label=_(
            "I confirm: the results are copied to every applicant and e-mailed; this cannot be "
            "undone."
        ),
        error_messages={"required": _("Tick the confirmation to publish.")},
    )


class AppealForm(forms.Form):
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents you appeal about"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only documents marked TMS that you had already uploaded can be chosen."),
        error_messages={"required": _("Choose at least one document marked TMS.")},
    )
    reason = forms.CharField(
        label=_("Why is the result wrong?"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Explain why the result is wrong.")},
    )
    confirm = forms.BooleanField(
        label=_(
            "I confirm the error was not my fault and I rely only on documents already uploaded."
        ),
        error_messages={"required": _("Tick the statement to confirm it.")},
    )

    def __init__(self, *args, requirements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = requirements
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "documents", "reason", "confirm", Submit("submit", _("Send my appeal (final)"))
        )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Explain why the result is wrong."))
        return reason


class AppealAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Answer"),
        choices=[
            ("accept", _("Accept: the appealed documents become MS")),
            ("reject", _("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Answer to the applicant"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you reject. The applicant reads it on their page."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("decision", "answer", Submit("submit", _("Send the answer")))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not (cleaned.get("answer") or "").strip():
            self.add_error("answer", _("Give the reason for rejecting the appeal."))
        return cleaned


class ExamSessionForm(forms.ModelForm):
    class Meta:
        model = ExamSession
        fields = ["name", "location", "address", "date", "starts_at", "ends_at", "capacity"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ends_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "name",
            "location",
            "address",
            Row(Column("date"), Column("starts_at"), Column("ends_at"), Column("capacity")),
            Submit("submit", _("Save the session")),
        )

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        return cleaned

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AnnouncementSearchForm(forms.Form):
    number = forms.CharField(label=_("Registration number"), required=False, max_length=24)
