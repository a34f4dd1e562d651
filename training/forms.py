"""Forms of the training app. They validate and normalise; the services write."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from training.models import Feedback, Programme, Session
from training.selectors.onboarding import FIRST_TRAINING
from workforce.models import Employee, Sector

SCALE = [(i, str(i)) for i in range(1, 6)]


class ProgrammeFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All")), *Programme.Kind.choices], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("kind", css_class="col-sm-8 col-md-5"),
                Column(
                    Submit("", _("Show"), css_class="btn-primary"),
                    css_class="col-sm-4 col-md-3 align-self-end mb-3",
                ),
            )
        )


class EnrolForm(forms.Form):
    """HR enrols anyone; a supervisor the members of their team (the queryset says who)."""

    employee = forms.ModelChoiceField(label=_("Employee"), queryset=Employee.objects.none())

    def __init__(self, *args, employees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = employees
        self.fields["employee"].label_from_instance = lambda e: (
            f"{e.full_name} ({e.nip or _('NIP pending')})"
        )
        self.helper = FormHelper()
        self.helper.layout = Layout("employee", Submit("enrol", _("Enrol")))


class DecisionForm(forms.Form):
    APPROVE = "approve"
    REJECT = "reject"
    decision = forms.ChoiceField(
        choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))],
        error_messages={"required": _("Choose whether to approve or reject the request.")},
    )

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE


class AttendanceForm(forms.Form):
    """One checkbox per enrolled person: ticked means present."""

    present = forms.TypedMultipleChoiceField(
        label=_("Present"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is accepted here: the service refuses people who are not enrolled, by name.
        self.fields["present"].choices = [(e.pk, e.employee.full_name) for e in enrolments]
        self.fields["present"].valid_value = lambda value: str(value).isdigit()
        self.helper = FormHelper()
        self.helper.layout = Layout("present", Submit("save", _("Save attendance")))


class ResultsForm(forms.Form):
    """A score per enrolled person (only when the programme has an assessment)."""

    def __init__(self, *args, enrolments, needs_score: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolments = enrolments
        for enrolment in enrolments:
            if needs_score and enrolment.result == enrolment.Result.PENDING:
                self.fields[f"score_{enrolment.pk}"] = forms.DecimalField(
                    label=enrolment.employee.full_name,
                    min_value=0,
                    max_value=100,
                    max_digits=5,
                    decimal_places=2,
                    required=True,
                )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def scores(self) -> dict:
        return {
            int(name.removeprefix("score_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("score_")
        }


class FeedbackForm(forms.ModelForm):
    relevance = forms.TypedChoiceField(
        label=_("Relevance to my work"), choices=SCALE, coerce=int, widget=forms.RadioSelect
    )
    trainer = forms.TypedChoiceField(
        label=_("The trainer"), choices=SCALE, coerce=int, widget=forms.RadioSelect
    )
    materials = forms.TypedChoiceField(
        label=_("The materials"), choices=SCALE, coerce=int, widget=forms.RadioSelect
    )

    class Meta:
        model = Feedback
        fields = ["relevance", "trainer", "materials", "comments"]
        widgets = {"comments": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"comments": _("Optional. What should stay, what should change?")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("relevance", "trainer", "materials"):
            self.fields[name].help_text = _("1 = poor, 5 = excellent")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "relevance",
            "trainer",
            "materials",
            "comments",
            Submit("send", _("Send feedback")),
        )


class DashboardFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.all(), required=False, empty_label=_("All")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("year", css_class="col-6 col-md-3"),
                Column("sector", css_class="col-6 col-md-4"),
                Column(
                    Submit("", _("Show"), css_class="btn-primary"),
                    css_class="col-md-3 align-self-end mb-3",
                ),
            )
        )

    def year_or_current(self) -> int:
        data = getattr(self, "cleaned_data", {})
        return data.get("year") or timezone.localdate().year


class OnboardingEnrolForm(forms.Form):
    """HR enrols a new employee in a session of the first training they still need (the
    proposal of the onboarding page): the employee and the session must both be in it."""

    employee = forms.ModelChoiceField(label=_("Employee"), queryset=Employee.objects.none())
    session = forms.ModelChoiceField(
        label=_("Session"),
        queryset=Session.objects.none(),
        error_messages={"required": _("Choose a session.")},
    )

    def __init__(self, *args, employees, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = employees
        self.fields["session"].queryset = Session.objects.filter(
            pk__in=[session.pk for group in sessions.values() for session in group]
        ).select_related("programme")
        self.sessions = sessions

    def clean(self):
        cleaned = super().clean()
        employee, session = cleaned.get("employee"), cleaned.get("session")
        if employee and session and session.programme.kind != FIRST_TRAINING.get(employee.asn_type):
            self.add_error(
                "session",
                _("This session is not the first training %(name)s needs.")
                % {"name": employee.full_name},
            )
        return cleaned
