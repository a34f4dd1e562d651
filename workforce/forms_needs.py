from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from workforce.models import AbkTask, AsnType, Kelurahan, PlanningYear, Sector
from workforce.selectors.needs import SORTS


class NeedsFilterForm(forms.Form):
    """The needs map's filters (GET). Unknown values are errors, never silently ignored."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.all(), required=False, empty_label=_("All")
    )
    kelurahan = forms.ModelChoiceField(
        label=_("Kelurahan"),
        queryset=Kelurahan.objects.all(),
        required=False,
        empty_label=_("All"),
    )
    asn_type = forms.ChoiceField(
        label=_("ASN type"), choices=[("", _("All")), *AsnType.choices], required=False
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("gap", _("Largest shortage first")),
            ("required", _("Most required first")),
            ("current", _("Most staff first")),
            ("unit", _("Sector and unit")),
        ],
    )
    shortage_only = forms.BooleanField(label=_("Only shortages"), required=False)

    def __init__(self, *args, years, default_year, **kwargs):
        super().__init__(*args, **kwargs)
        choices = sorted({*years, default_year}, reverse=True)
        self.fields["year"].choices = [(y, y) for y in choices]
        self.default_year = default_year
        self.helper = FormHelper()
        self.helper.form_method = "get"
        column = "col-6 col-md-4 col-xl-2"
        self.helper.layout = Layout(
            Row(
                Column("year", css_class=column),
                Column("sector", css_class=column),
                Column("kelurahan", css_class=column),
                Column("asn_type", css_class=column),
                Column("sort", css_class=column),
                Column("shortage_only", css_class=f"{column} pt-md-4"),
            ),
            Submit("", _("Show"), css_class="btn-primary"),
        )

    def clean_sort(self):
        return self.cleaned_data.get("sort") if self.cleaned_data.get("sort") in SORTS else "gap"

    def clean_year(self):
        return self.cleaned_data.get("year") or self.default_year


class AbkTaskForm(forms.ModelForm):
    class Meta:
        model = AbkTask
        fields = ["description", "output_unit", "yearly_volume", "standard_minutes"]
        widgets = {
            "yearly_volume": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
            "standard_minutes": forms.NumberInput(
                attrs={"min": "0.01", "step": "0.01", "inputmode": "decimal"}
            ),
        }

    def clean_yearly_volume(self):
        volume = self.cleaned_data["yearly_volume"]
        if volume is not None and volume < 1:
            raise forms.ValidationError(_("The volume must be at least 1 a year."))
        return volume


class BaseAbkTaskFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        descriptions = [f.cleaned_data["description"].strip().lower() for f in kept]
        if len(descriptions) != len(set(descriptions)):
            raise forms.ValidationError(_("Each task may appear only once on a sheet."))


AbkTaskFormSet = forms.modelformset_factory(
    AbkTask,
    form=AbkTaskForm,
    formset=BaseAbkTaskFormSet,
    extra=2,
    can_delete=True,
)


class AbkVersionForm(forms.Form):
    """The sheet version the user opened; empty for a new sheet."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


def planning_years() -> list[int]:
    return list(PlanningYear.objects.values_list("year", flat=True))
