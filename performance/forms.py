"""Forms of the performance app. They validate and normalise; the services write."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from performance.models import Rating
from performance.services.reviews import ReviewInput

MAX_TEXT = 4000
RATING_CHOICES = [("", _("— not rated yet —")), *Rating.choices]


class _Submit(Submit):
    """A submit button whose colour is all in `css_class` (crispy's adds btn-primary)."""

    field_classes = "btn"


def _helper(*buttons) -> FormHelper:
    helper = FormHelper()
    helper.form_method = "post"
    for name, label, css in buttons:
        helper.add_input(_Submit(name, label, css_class=css))
    return helper


class SkpForm(forms.Form):
    """The indicators, one per line as "indicator | target"."""

    indicators = forms.CharField(
        label=_("Work-result indicators"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_TEXT,
        help_text=_(
            "One per line: the indicator, a vertical bar, the target. "
            "Example: Pelayanan ANC ibu hamil | 120 kunjungan"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(("save", _("Save the SKP draft"), "btn-primary"))

    def clean_indicators(self):
        pairs = []
        for number, line in enumerate(self.cleaned_data["indicators"].splitlines(), start=1):
            if not line.strip():
                continue
            description, bar, target = line.partition("|")
            if not bar or not description.strip() or not target.strip():
                raise forms.ValidationError(
                    _("Line %(number)s needs an indicator and a target separated by “|”."),
                    params={"number": number},
                )
            if len(description.strip()) > 300 or len(target.strip()) > 120:
                raise forms.ValidationError(
                    _("Line %(number)s is too long."), params={"number": number}
                )
            pairs.append((description.strip(), target.strip()))
        if not pairs:
            raise forms.ValidationError(_("An SKP needs at least one indicator with a target."))
        return pairs

    @staticmethod
    def initial_for(skp) -> dict:
        if skp is None:
            return {}
        return {
            "indicators": "\n".join(f"{i.description} | {i.target}" for i in skp.indicators.all())
        }


class ReviewForm(forms.Form):
    """One rating (and note) per indicator and per BerAKHLAK value, the two overall ratings,
    feedback and a development plan. Finalising requires every rating (the service checks) and
    goes through a preview of the predikat that the supervisor confirms."""

    hasil_kerja = forms.ChoiceField(
        label=_("Work results (Hasil Kerja) overall"), choices=RATING_CHOICES, required=False
    )
    perilaku = forms.ChoiceField(
        label=_("Work behaviour (Perilaku Kerja) overall"), choices=RATING_CHOICES, required=False
    )
    feedback = forms.CharField(
        label=_("Feedback"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MAX_TEXT,
    )
    development_plan = forms.CharField(
        label=_("Development plan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MAX_TEXT,
    )

    def __init__(self, *args, indicators, values, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators, self.values = list(indicators), list(values)
        given_i = {r.indicator_id: r for r in review.indicator_ratings.all()} if review else {}
        given_b = {r.value_id: r for r in review.behaviour_ratings.all()} if review else {}
        indicator_fields, value_fields = [], []
        for indicator in self.indicators:
            old = given_i.get(indicator.pk)
            self.fields[f"i{indicator.pk}"] = forms.ChoiceField(
                label=f"{indicator.description} ({_('target')}: {indicator.target})",
                choices=RATING_CHOICES,
                required=False,
                initial=old and old.rating,
            )
            self.fields[f"i{indicator.pk}_evidence"] = forms.CharField(
                label=_("Evidence"),
                required=False,
                max_length=MAX_TEXT,
                initial=old and old.evidence,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            indicator_fields += [f"i{indicator.pk}", f"i{indicator.pk}_evidence"]
        for value in self.values:
            old = given_b.get(value.pk)
            self.fields[f"v{value.pk}"] = forms.ChoiceField(
                label=value.label,
                choices=RATING_CHOICES,
                required=False,
                initial=old and old.rating,
                help_text=value.description,
            )
            self.fields[f"v{value.pk}_note"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=MAX_TEXT,
                initial=old and old.note,
                widget=forms.Textarea(attrs={"rows": 1}),
            )
            value_fields += [f"v{value.pk}", f"v{value.pk}_note"]
        if review is not None:
            for name in ("hasil_kerja", "perilaku", "feedback", "development_plan"):
                self.fields[name].initial = getattr(review, name)
        self.helper = _helper(
            ("save", _("Save draft"), "btn-outline-primary me-2"),
            ("preview", _("Check the predikat before finalising"), "btn-primary"),
        )
        self.helper.layout = Layout(
            Fieldset(_("Work results (Hasil Kerja)"), *indicator_fields, "hasil_kerja"),
            Fieldset(_("Work behaviour: BerAKHLAK"), *value_fields, "perilaku"),
            Fieldset(_("Feedback and development"), "feedback", "development_plan"),
        )

    def review_input(self) -> ReviewInput:
        data = self.cleaned_data
        return ReviewInput(
            hasil_kerja=data["hasil_kerja"],
            perilaku=data["perilaku"],
            feedback=data["feedback"],
            development_plan=data["development_plan"],
            indicators={
                i.pk: (data[f"i{i.pk}"], data[f"i{i.pk}_evidence"]) for i in self.indicators
            },
            behaviours={v.pk: (data[f"v{v.pk}"], data[f"v{v.pk}_note"]) for v in self.values},
        )


class ObjectionForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons for the objection"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_TEXT,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(("object", _("File the objection"), "btn-danger"))


class RatingsForm(forms.Form):
    """New ratings with the reason: resolving an objection, or a correction by HR."""

    hasil_kerja = forms.ChoiceField(
        label=_("Work results (Hasil Kerja)"), choices=Rating.choices, required=False
    )
    perilaku = forms.ChoiceField(
        label=_("Work behaviour (Perilaku Kerja)"), choices=Rating.choices, required=False
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_TEXT
    )

    def __init__(self, *args, review, buttons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hasil_kerja"].initial = review.hasil_kerja
        self.fields["perilaku"].initial = review.perilaku
        self.helper = _helper(*buttons)

    def clean(self):
        data = super().clean()
        changing = "uphold" in self.data or "correct" in self.data
        if changing and not (data.get("hasil_kerja") and data.get("perilaku")):
            raise forms.ValidationError(_("Choose both ratings."))
        return data


class FollowUpForm(forms.Form):
    note = forms.CharField(
        label=_("What was discussed or agreed"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=MAX_TEXT,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(("record", _("Record the follow-up"), "btn-primary"))


class CheckpointForm(forms.Form):
    """`?checkpoint=` on the dashboard."""

    checkpoint = forms.ModelChoiceField(
        label=_("Checkpoint"),
        queryset=None,
        required=False,
        empty_label=_("The latest checkpoint with reviews"),
    )

    def __init__(self, *args, checkpoints, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checkpoint"].queryset = checkpoints
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.add_input(_Submit("", _("Show"), css_class="btn-outline-secondary"))
