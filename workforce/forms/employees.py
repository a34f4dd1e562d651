from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from workforce.models import AsnType, Employee, Kelurahan, Sector, Unit


class EmployeeFilterForm(forms.Form):
    """The register's filters (GET). Unknown values are errors, never silently ignored."""

    search = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        help_text=_("NIP is not searched here, so that it never appears in the page's address."),
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        required=False,
        empty_label=_("All sectors"),
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.order_by("name"),
        required=False,
        empty_label=_("All units"),
    )
    kelurahan = forms.ModelChoiceField(
        label=_("Kelurahan"),
        queryset=Kelurahan.objects.all(),
        required=False,
        empty_label=_("All kelurahan"),
    )
    asn_type = forms.ChoiceField(
        label=_("ASN type"), choices=[("", _("All ASN types")), *AsnType.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses")), *Employee.Status.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row g-2 align-items-end"
        column = "col-12 col-sm-6 col-lg-4"
        self.helper.layout = Layout(
            *(Field(name, wrapper_class=column) for name in self.fields),
            Div(Submit("", _("Show")), css_class=f"{column} mb-3"),
        )
