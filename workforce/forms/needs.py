from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from workforce.models import (
    MAX_STANDARD_MINUTES,
    MAX_YEARLY_VOLUME,
    AsnType,
    Kelurahan,
    PlanningYear,
    Sector,
)
from workforce.selectors.needs import SORTS


class _ListedChoices(forms.models.ModelChoiceIterator):
    """The options from one plain query, kept for the form's life: Django's iterator opens a
    server-side cursor on PostgreSQL (DECLARE, FETCH, CLOSE: three round trips) for tables of
    a dozen rows, which made the needs map's two selects half of its template's time."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class _ListedModelChoiceField(forms.ModelChoiceField):
    iterator = _ListedChoices


class NeedsFilterForm(forms.Form):
    """The needs map's filters (GET). Unknown values are errors, never silently ignored."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    sector = _ListedModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        required=False,
        empty_label=_("All sectors"),
    )
    kelurahan = _ListedModelChoiceField(
        label=_("Kelurahan"),
        queryset=Kelurahan.objects.all(),
        required=False,
        empty_label=_("All kelurahan"),
    )
    asn_type = forms.ChoiceField(
        label=_("ASN type"), choices=[("", _("All ASN types")), *AsnType.choices], required=False
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


class AbkTaskForm(forms.Form):
    """One task row. A plain form, not a model form: saving replaces the sheet's tasks, so rows
    carry no database ids that a concurrent save could invalidate."""

    description = forms.CharField(label=_("Task"), max_length=250)
    output_unit = forms.CharField(label=_("Unit of output"), max_length=60)
    yearly_volume = forms.IntegerField(
        label=_("Volume a year"),
        min_value=1,
        max_value=MAX_YEARLY_VOLUME,
        error_messages={"min_value": _("The volume must be at least 1 a year.")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    standard_minutes = forms.DecimalField(
        label=_("Standard time (minutes)"),
        min_value=Decimal("0.01"),
        max_value=MAX_STANDARD_MINUTES,
        max_digits=8,
        decimal_places=2,
        localize=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


class BaseAbkTaskFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return  # row errors are shown next to the fields first
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        descriptions = [f.cleaned_data["description"].strip().lower() for f in kept]
        if len(descriptions) != len(set(descriptions)):
            raise forms.ValidationError(_("Each task may appear only once on a sheet."))


AbkTaskFormSet = forms.formset_factory(
    AbkTaskForm, formset=BaseAbkTaskFormSet, extra=2, can_delete=True
)


def abk_task_initial(tasks) -> list[dict]:
    return [
        {
            "description": t.description,
            "output_unit": t.output_unit,
            "yearly_volume": t.yearly_volume,
            "standard_minutes": t.standard_minutes,
        }
        for t in tasks
    ]


class AbkVersionForm(forms.Form):
    """The sheet version the user opened; empty for a new sheet."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


def planning_years() -> list[int]:
    return list(PlanningYear.objects.values_list("year", flat=True))
