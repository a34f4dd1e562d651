from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from forums.forms.topics import HoneypotMixin, _honeypot
from forums.models import SCORE_FIELDS, IkmPeriod
from workforce.models import Unit

SCALE = [
    (1, _("1 – not good / not suitable")),
    (2, _("2 – fairly good")),
    (3, _("3 – good")),
    (4, _("4 – very good")),
]


class IkmForm(HoneypotMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Service unit"), queryset=Unit.objects.order_by("name"))
    period = forms.ModelChoiceField(label=_("Survey period"), queryset=IkmPeriod.objects.none())
    suggestion = forms.CharField(
        label=_("Suggestion (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, elements, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = IkmPeriod.objects.filter(pk__in=[p.pk for p in periods])
        if len(periods) == 1:
            self.fields["period"].initial = periods[0].pk
        for element, name in zip(elements, SCORE_FIELDS, strict=True):
            self.fields[name] = forms.TypedChoiceField(
                label=f"{element.number}. {element.label}",
                help_text=element.question_en
                if element.label == element.name_en and element.question_en
                else element.question,
                choices=SCALE,
                coerce=int,
                widget=forms.RadioSelect,
            )
        self.order_fields(["unit", "period", *SCORE_FIELDS, "suggestion"])
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*(n for n in self.fields if n != "website"), _honeypot())

    def scores(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in SCORE_FIELDS}


class IkmResultsForm(forms.Form):
    """The results page's period (laid out with core's {% filter_field %}): one period at a
    time, the newest by default, so the page does not grow with every period surveyed."""

    period = forms.ModelChoiceField(
        label=_("Survey period"), queryset=IkmPeriod.objects.none(), empty_label=None
    )

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods
