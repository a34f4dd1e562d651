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
    """The year (those with training records, and the current one) and the sector. Without a
    year chosen, the overview opens on the latest year that has records, not an empty one."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        required=False,
        empty_label=_("All sectors"),
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        current = timezone.localdate().year
        self.latest = next((year for year in years if year <= current), current)
        choices = sorted({*years, current}, reverse=True)
        self.fields["year"].choices = [(year, str(year)) for year in choices]
        self.fields["year"].initial = self.latest
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

    def year_or_latest(self) -> int:
        data = getattr(self, "cleaned_data", {})
        return data.get("year") or self.latest


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


class ProgrammeForm(forms.ModelForm):
    """HR creates or edits a programme. The signatory and the residents' topics stay in the
    admin (rarely changed, and the topics need the forum's moderation view)."""

    class Meta:
        model = Programme
        fields = [
            "name",
            "kind",
            "mode",
            "jp",
            "provider",
            "competencies",
            "target_sectors",
            "description",
            "min_attendance_percent",
            "pass_score",
            "is_active",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "target_sectors": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "target_sectors": _("Leave all unticked when the programme is for every sector."),
            "is_active": _("Untick to stop new enrolments; past sessions stay on record."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Choose a kind")), *Programme.Kind.choices]
        self.fields["mode"].choices = [("", _("Choose a mode")), *Programme.Mode.choices]
        self.fields["name"].error_messages["required"] = _("Enter the programme's name.")
        self.fields["kind"].error_messages["required"] = _("Choose the kind of programme.")
        self.fields["mode"].error_messages["required"] = _("Choose how the programme is taught.")
        self.fields["jp"].error_messages["required"] = _("Enter the study hours (JP).")
        self.fields["provider"].error_messages["required"] = _("Enter who runs the programme.")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "name",
            Row(Column("kind", css_class="col-md-6"), Column("mode", css_class="col-md-6")),
            Row(
                Column("jp", css_class="col-6 col-md-4"),
                Column("min_attendance_percent", css_class="col-6 col-md-4"),
                Column("pass_score", css_class="col-md-4"),
            ),
            "provider",
            "competencies",
            "target_sectors",
            "description",
            "is_active",
            Submit("save", _("Save the programme")),
        )


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SessionForm(forms.ModelForm):
    """HR plans or edits a session of a programme. `enrolled`: the people holding a seat now
    (the capacity may not go below it)."""

    class Meta:
        model = Session
        fields = [
            "title",
            "starts_on",
            "ends_on",
            "place",
            "online_url",
            "trainer",
            "capacity",
            "enrolment_opens_on",
            "enrolment_closes_on",
        ]
        widgets = {
            "starts_on": _date_widget(),
            "ends_on": _date_widget(),
            "enrolment_opens_on": _date_widget(),
            "enrolment_closes_on": _date_widget(),
        }

    def __init__(self, *args, enrolled: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolled = enrolled
        required = {
            "starts_on": _("Enter the first day of the session."),
            "ends_on": _("Enter the last day of the session."),
            "trainer": _("Enter the trainer's name."),
            "capacity": _("Enter the number of seats."),
            "enrolment_opens_on": _("Enter the day enrolment opens."),
            "enrolment_closes_on": _("Enter the day enrolment closes."),
        }
        for name, message in required.items():
            self.fields[name].error_messages["required"] = message
            self.fields[name].error_messages["invalid"] = _("Enter a real date, e.g. 3 March 2027.")
        self.fields["capacity"].error_messages["invalid"] = _("Enter the seats as a whole number.")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "title",
            Row(Column("starts_on", css_class="col-sm-6"), Column("ends_on", css_class="col-sm-6")),
            Row(
                Column("enrolment_opens_on", css_class="col-sm-6"),
                Column("enrolment_closes_on", css_class="col-sm-6"),
            ),
            Row(Column("place", css_class="col-md-6"), Column("online_url", css_class="col-md-6")),
            Row(Column("trainer", css_class="col-md-8"), Column("capacity", css_class="col-md-4")),
            Submit("save", _("Save the session")),
        )

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        opens, closes = cleaned.get("enrolment_opens_on"), cleaned.get("enrolment_closes_on")
        if starts and ends and ends < starts:
            self.add_error(
                "ends_on", _("The last day cannot be before the first day; check both dates.")
            )
        if opens and closes and closes < opens:
            self.add_error("enrolment_closes_on", _("Enrolment cannot close before it opens."))
        elif closes and ends and closes > ends:
            self.add_error(
                "enrolment_closes_on",
                _("Enrolment must close by the last day of the session at the latest."),
            )
        capacity = cleaned.get("capacity")
        if capacity is not None and capacity < self.enrolled:
            self.add_error(
                "capacity",
                _("%(count)s people already hold a seat: the capacity must be %(count)s or more.")
                % {"count": self.enrolled},
            )
        if (
            not cleaned.get("place")
            and not cleaned.get("online_url")
            and "place" not in self.errors
        ):
            self.add_error("place", _("Enter a place, an online link, or both."))
        return cleaned

    def _post_clean(self):
        # The model's constraints repeat the checks above; their field errors are already there,
        # so only validate the instance when the form's own checks passed.
        if not self.errors:
            super()._post_clean()
