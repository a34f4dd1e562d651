"""Forms of the administrative screening. They validate and normalise; the services in
recruitment.services.screening write."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from recruitment import rules
from recruitment.models import AdminResult, PeriodAssignment
from recruitment.selectors.screening import QueueState, active_reasons
from recruitment.services.screening import CheckInput, ScreeningError

MAX_NOTE = 2000
# How the error summary names a document's fields (after the document's name).
SUMMARY_FIELD_NAMES = {"result": _("Result"), "reason": _("TMS reason"), "note": _("Note")}
RESULT_CHOICES = [("", _("Not checked yet")), *AdminResult.choices]


class ServiceErrorsMixin:
    def add_service_errors(self, error: ScreeningError) -> None:
        """Show a service's refusal beside the fields it names; the rest above the form."""
        for name, messages in error.errors.items():
            self.add_error(name if name in self.fields else None, list(messages))


# A document's note is copied to what the applicant sees: say so where it is typed.
NOTE_AFTER_ANNOUNCEMENT = _("Note (the applicant sees it after the announcement)")
NOTE_AT_ONCE = _("Note (the applicant sees it at once)")


def _note_field(label=None, required=False):
    return forms.CharField(
        label=label or _("Note"),
        required=required,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _reason_field(required=False):
    return forms.ModelChoiceField(
        label=_("TMS reason"),
        queryset=active_reasons(),
        required=required,
        empty_label=_("— choose a reason —"),
    )


class AssignmentForm(ServiceErrorsMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The account must hold the verifier or the HR role."),
    )
    duty = forms.ChoiceField(label=_("Duty"), choices=PeriodAssignment.Duty.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Assign")))


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Screening state"),
        # The queue's own "All" says what it lists when it is the first option of a filter.
        choices=[(QueueState.ALL, _("All applications")), *QueueState.CHOICES[1:]],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.add_input(Submit("submit", _("Filter")))


class ScreeningForm(ServiceErrorsMixin, forms.Form):
    """One result, reason and note per required document (`rows` from
    selectors.application_document_rows), and the version the verifier started from."""

    version = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, rows, version: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.fields["version"].initial = version
        # One query for the reasons, whatever the number of documents.
        self.reasons = {str(reason.pk): reason for reason in active_reasons()}
        reason_choices = [("", _("— choose a reason —"))] + [
            (pk, reason.label) for pk, reason in self.reasons.items()
        ]
        # Every document has a "Result", a "TMS reason" and a "Note": the error summary names
        # the document too, so that each of its links says which one to correct.
        self.error_summary_labels = {}
        for row in rows:
            pk, check = row.requirement.pk, row.check
            for name in ("result", "reason", "note"):
                self.error_summary_labels[f"{name}_{pk}"] = _("%(document)s, %(field)s") % {
                    "document": row.requirement.label,
                    "field": SUMMARY_FIELD_NAMES[name],
                }
            self.fields[f"result_{pk}"] = forms.ChoiceField(
                label=_("Result"),
                choices=RESULT_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                initial=check.result if check else "",
            )
            self.fields[f"reason_{pk}"] = forms.ChoiceField(
                label=_("TMS reason"),
                choices=reason_choices,
                required=False,
                initial=str(check.reason_id) if check and check.reason_id else "",
            )
            self.fields[f"note_{pk}"] = _note_field(label=NOTE_AFTER_ANNOUNCEMENT)
            self.fields[f"note_{pk}"].initial = check.note if check else ""

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            pk = row.requirement.pk
            if cleaned.get(f"result_{pk}") == AdminResult.TMS and not cleaned.get(f"reason_{pk}"):
                self.add_error(f"reason_{pk}", _("Choose the reason for TMS."))
        return cleaned

    def bound_rows(self):
        """(row, result field, reason field, note field) for the template."""
        return [
            (
                row,
                self[f"result_{row.requirement.pk}"],
                self[f"reason_{row.requirement.pk}"],
                self[f"note_{row.requirement.pk}"],
            )
            for row in self.rows
        ]

    def checks(self) -> list[CheckInput]:
        data = self.cleaned_data
        return [
            CheckInput(
                requirement_id=row.requirement.pk,
                result=data[f"result_{row.requirement.pk}"],
                reason=self.reasons.get(data[f"reason_{row.requirement.pk}"]),
                note=data[f"note_{row.requirement.pk}"].strip(),
            )
            for row in self.rows
        ]


class SecondCheckConfirmForm(ServiceErrorsMixin, forms.Form):
    note = _note_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="confirm", **kwargs)


class SecondCheckReturnForm(ServiceErrorsMixin, forms.Form):
    note = _note_field(label=_("What must be checked again"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="return", **kwargs)


class _RequirementChoiceMixin:
    def _set_requirements(self, rows, only_ms=False):
        self.rows = {str(row.requirement.pk): row for row in rows}
        self.fields["requirement"].choices = [("", _("— choose a document —"))] + [
            (str(row.requirement.pk), row.requirement.label)
            for row in rows
            if not only_ms or (row.check and row.check.result == AdminResult.MS)
        ]

    def clean_requirement(self):
        return self.rows[self.cleaned_data["requirement"]].requirement


class RecheckForm(ServiceErrorsMixin, _RequirementChoiceMixin, forms.Form):
    """MS -> TMS during the appeal period."""

    requirement = forms.ChoiceField(label=_("Document found TMS"))
    reason = _reason_field(required=True)
    note = _note_field(label=NOTE_AFTER_ANNOUNCEMENT)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, prefix="recheck", **kwargs)
        self._set_requirements(rows, only_ms=True)


class CorrectionForm(ServiceErrorsMixin, _RequirementChoiceMixin, forms.Form):
    """HR's explicit correction of one check after the announcement."""

    requirement = forms.ChoiceField(label=_("Document"))
    result = forms.ChoiceField(label=_("Corrected result"), choices=AdminResult.choices)
    reason = _reason_field()
    note = _note_field(label=NOTE_AT_ONCE)
    correction_reason = _note_field(label=_("Why is this corrected?"), required=True)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, prefix="correction", **kwargs)
        self._set_requirements(rows)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("result") == AdminResult.TMS and not cleaned.get("reason"):
            self.add_error("reason", _("Choose the reason for TMS."))
        return cleaned


class PriorityGroupVerifyForm(ServiceErrorsMixin, forms.Form):
    """The committee's PPPK priority group: the one the applicant declared, confirmed, or the
    one the documents show, with the reason."""

    priority_group = forms.ChoiceField(
        label=_("Priority group for the ranking"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the priority group."),
            "invalid_choice": _("Choose one of the priority groups listed."),
        },
    )
    note = _note_field(
        label=_("Reason (for the decision log; needed when it differs from the declared group)")
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, prefix="priority", **kwargs)
        field = self.fields["priority_group"]
        field.choices = rules.priority_group_choices(application.period)
        field.initial = application.priority_group
