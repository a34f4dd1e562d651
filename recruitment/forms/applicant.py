from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from recruitment import rules
from recruitment.models import (
    ApplicantProfile,
    Formation,
    FormationCategory,
    PriorityGroup,
    SelectionPeriod,
)
from recruitment.selectors import vacancies
from workforce.models import AsnType, EducationLevel, Kelurahan, Sector, Unit


class VacancyFilterForm(forms.Form):
    """Laid out by hand in templates/recruitment/vacancy_list.html with core's
    {% filter_field %}, not by crispy: a public page on the hot path
    (core/templatetags/plain_fields.py says why)."""

    q = forms.CharField(label=_("Search position or unit"), required=False, max_length=100)
    period = forms.ModelChoiceField(
        label=_("Selection period"),
        queryset=SelectionPeriod.objects.filter(is_published=True),
        required=False,
        empty_label=_("All selection periods"),
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        required=False,
        empty_label=_("All sectors"),
    )
    kelurahan = forms.ModelChoiceField(
        label=_("Kelurahan"),
        queryset=Kelurahan.objects.all(),
        required=False,
        empty_label=_("All kelurahan"),
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        # A semi-join (EXISTS): each unit once without DISTINCT over every formation's row.
        queryset=Unit.objects.filter(
            Exists(Formation.objects.filter(position__unit=OuterRef("pk"), is_published=True))
        ),
        required=False,
        empty_label=_("All units"),
    )
    asn_type = forms.ChoiceField(
        label=_("ASN type"), choices=[("", _("All ASN types")), *AsnType.choices], required=False
    )
    education_level = forms.ChoiceField(
        label=_("Education"),
        choices=[("", _("All education levels")), *EducationLevel.choices],
        required=False,
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("All categories")), *FormationCategory.choices],
        required=False,
    )
    # Chosen with the tabs above the list; kept here so that a search stays in its tab.
    status = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def clean_status(self):
        """An unknown tab (an old or mistyped link) is no error: the default tab is shown."""
        status = self.cleaned_data["status"]
        return status if status in vacancies.SHOWN_STATES else ""

    def clean(self):
        """No tab chosen: the current vacancies (open and upcoming), or every state of the
        period asked for (a past period is found by choosing it)."""
        cleaned = super().clean()
        if not cleaned.get("status"):
            cleaned["status"] = vacancies.ALL if cleaned.get("period") else vacancies.CURRENT
        return cleaned


class ApplicantProfileForm(forms.ModelForm):
    class Meta:
        model = ApplicantProfile
        fields = [
            "nik", "kk_number", "name_on_ktp", "birth_place", "birth_date", "gender", "address",
            "phone", "education_level", "institution", "programme", "gpa", "graduation_year",
            "accreditation",
        ]  # fmt: skip
        widgets = {
            "nik": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "kk_number": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "address": forms.Textarea(attrs={"rows": 2}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "gpa": forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gpa"].localize = False
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("Identity (as on your KTP)"),
                Row(Column("nik", css_class="col-md-6"), Column("kk_number", css_class="col-md-6")),
                "name_on_ktp",
                Row(
                    Column("birth_place", css_class="col-md-6"),
                    Column("birth_date", css_class="col-md-3"),
                    Column("gender", css_class="col-md-3"),
                ),
                "address",
                "phone",
            ),
            Fieldset(
                _("Education"),
                Row(
                    Column("education_level", css_class="col-md-4"),
                    Column("institution", css_class="col-md-8"),
                ),
                Row(
                    Column("programme", css_class="col-md-6"),
                    Column("gpa", css_class="col-md-2"),
                    Column("graduation_year", css_class="col-md-2"),
                    Column("accreditation", css_class="col-md-2"),
                ),
            ),
            Submit("submit", _("Save my profile")),
        )

    def clean_nik(self):
        return self.cleaned_data["nik"].replace(" ", "")

    def clean_kk_number(self):
        return self.cleaned_data["kk_number"].replace(" ", "")


# One line each, in plain words, under the choice (docs/domain.md 1.12, KepmenPANRB 347/2024
# diktum 30).
PRIORITY_GROUP_EXPLANATIONS = {
    PriorityGroup.THK2: _(
        "You are a former category II honorary worker (eks tenaga honorer kategori II) listed "
        "in BKN's database."
    ),
    PriorityGroup.NON_ASN: _(
        "You work at this institution now, but not as a civil servant (neither PNS nor PPPK)."
    ),
    PriorityGroup.UMUM: _("Neither of the above: everyone else applies in this group."),
}
# Also in templates/recruitment/_application_priority_group.html (the same text: one msgid).
PRIORITY_GROUP_VERIFIED = _(
    "The selection committee checks a priority group against your documents (for example a "
    "work certificate or the SK of your appointment) and changes it if they do not show it."
)


class PriorityGroupMixin:
    """The PPPK priority group the applicant declares, as radio buttons with one line of
    explanation each; the field exists only for a PPPK period (a CPNS application stays in the
    general group)."""

    def _add_priority_group(self, period: SelectionPeriod, initial: str | None = None) -> None:
        if not period.is_pppk:
            return
        self.fields["priority_group"] = forms.ChoiceField(
            label=_("Your priority group (PPPK)"),
            choices=rules.priority_group_choices(period),
            widget=forms.RadioSelect,
            initial=initial,
            help_text=PRIORITY_GROUP_VERIFIED,
            error_messages={
                "required": _("Choose your priority group."),
                "invalid_choice": _("Choose one of the priority groups listed."),
            },
        )

    @property
    def asks_priority_group(self) -> bool:
        return "priority_group" in self.fields

    def priority_group_choices(self) -> list[tuple]:
        """(radio, explanation) per choice, for the template."""
        if not self.asks_priority_group:
            return []
        return [
            (radio, PRIORITY_GROUP_EXPLANATIONS.get(radio.data["value"], ""))
            for radio in self["priority_group"]
        ]

    def cleaned_priority_group(self) -> str:
        return self.cleaned_data.get("priority_group") or PriorityGroup.UMUM


class ApplyForm(PriorityGroupMixin, forms.Form):
    """Starting an application: the privacy notice's consent, ticked (UU 27/2022), and for a
    PPPK formation the priority group the applicant declares."""

    privacy_consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree to the processing of my personal data."),
        error_messages={
            "required": _("Tick the box to confirm that you have read the privacy notice.")
        },
    )

    def __init__(self, *args, period: SelectionPeriod | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if period is not None:
            self._add_priority_group(period)


class PriorityGroupForm(PriorityGroupMixin, forms.Form):
    """A PPPK draft's priority group, changed by the applicant before finalising."""

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_priority_group(application.period, initial=application.declared_priority_group)


class FinaliseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I have checked my data and documents. I understand that after finalising I can no "
            "longer change anything."
        ),
        error_messages={"required": _("Tick the box to confirm that you have checked everything.")},
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing? (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label=_("I want to withdraw this application (APS). I cannot apply again in this period."),
        error_messages={"required": _("Tick the box to confirm the withdrawal.")},
    )
