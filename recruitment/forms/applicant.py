from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from recruitment.models import ApplicantProfile, FormationCategory, SelectionPeriod
from workforce.models import AsnType, EducationLevel, Kelurahan, Sector, Unit


class VacancyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search position or unit"), required=False, max_length=100)
    period = forms.ModelChoiceField(
        label=_("Selection period"),
        queryset=SelectionPeriod.objects.filter(is_published=True),
        required=False,
        empty_label=_("All"),
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.all(), required=False, empty_label=_("All")
    )
    kelurahan = forms.ModelChoiceField(
        label=_("Kelurahan"),
        queryset=Kelurahan.objects.all(),
        required=False,
        empty_label=_("All"),
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.filter(positions__formations__is_published=True).distinct(),
        required=False,
        empty_label=_("All"),
    )
    asn_type = forms.ChoiceField(
        label=_("ASN type"), choices=[("", _("All")), *AsnType.choices], required=False
    )
    education_level = forms.ChoiceField(
        label=_("Education"), choices=[("", _("All")), *EducationLevel.choices], required=False
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All")), *FormationCategory.choices], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        column = "col-12 col-sm-6 col-lg-4"
        self.helper.layout = Layout(
            Row(
                Column("q", css_class=column),
                Column("period", css_class=column),
                Column("sector", css_class=column),
                Column("kelurahan", css_class=column),
                Column("unit", css_class=column),
                Column("asn_type", css_class=column),
                Column("education_level", css_class=column),
                Column("category", css_class=column),
            ),
            Submit("", _("Search"), css_class="btn-primary"),
        )


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


class ApplyForm(forms.Form):
    """Starting an application: the privacy notice's consent, ticked (UU 27/2022)."""

    privacy_consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree to the processing of my personal data."),
        error_messages={
            "required": _("Tick the box to confirm that you have read the privacy notice.")
        },
    )


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
