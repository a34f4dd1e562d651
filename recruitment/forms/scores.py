"""Forms of the scores pages: the score file upload, one application's scores, the merit list's
filters and the optimisation decision. They validate and normalise; the services write."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from recruitment.models import FinalCode, Formation, Presence, ScoreImport, SkdCode
from recruitment.services.scores import MAX_FILE_BYTES, SKD_MAXIMA

PRESENCE_CHOICES = [("", _("Not recorded")), *Presence.choices]


class ScoreImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Scores"), choices=ScoreImport.Kind.choices)
    file = forms.FileField(
        label=_("File (CSV UTF-8 or Excel .xlsx)"),
        help_text=_(
            "SKD columns: registration_number, twk, tiu, tkp, presence. SKB columns: "
            "registration_number, skb, presence. Presence: present, absent (TH) or "
            "disqualified (DIS); absent and disqualified rows may leave the scores empty."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("kind", "file")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class ExamResultForm(forms.Form):
    """One application's scores, with the same bounds and rules as the import."""

    skd_presence = forms.ChoiceField(
        label=_("SKD attendance"), choices=PRESENCE_CHOICES, required=False
    )
    twk = forms.IntegerField(label="TWK", min_value=0, max_value=SKD_MAXIMA["twk"], required=False)
    tiu = forms.IntegerField(label="TIU", min_value=0, max_value=SKD_MAXIMA["tiu"], required=False)
    tkp = forms.IntegerField(label="TKP", min_value=0, max_value=SKD_MAXIMA["tkp"], required=False)
    skb_presence = forms.ChoiceField(
        label=_("SKB attendance"), choices=PRESENCE_CHOICES, required=False
    )
    skb = forms.DecimalField(
        label="SKB", min_value=0, max_digits=6, decimal_places=2, required=False
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required once the results have been announced: it is shown in the log."),
    )

    def __init__(self, *args, skb_max: int, reason_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.skb_max = skb_max
        self.fields["skb"].help_text = _("From 0 to %(max)s.") % {"max": skb_max}
        self.fields["reason"].required = reason_required
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("SKD"),
                Row(
                    Column("skd_presence", css_class="col-12 col-md-3"),
                    Column("twk", css_class="col-4 col-md-3"),
                    Column("tiu", css_class="col-4 col-md-3"),
                    Column("tkp", css_class="col-4 col-md-3"),
                ),
            ),
            Fieldset(
                _("SKB"),
                Row(
                    Column("skb_presence", css_class="col-12 col-md-6"),
                    Column("skb", css_class="col-12 col-md-6"),
                ),
            ),
            "reason",
            Submit("save", _("Save scores"), css_class="btn-primary"),
        )

    def clean_skb(self):
        skb = self.cleaned_data.get("skb")
        if skb is not None and skb > self.skb_max:
            raise forms.ValidationError(
                _("%(value)s is above the maximum of %(max)s.")
                % {"value": skb, "max": self.skb_max}
            )
        return skb

    def _check_part(self, presence_field, score_fields):
        data = self.cleaned_data
        presence = data.get(presence_field) or ""
        given = [name for name in score_fields if data.get(name) is not None]
        if presence == Presence.PRESENT:
            for name in score_fields:
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Enter the score: the applicant was present."))
        elif presence == Presence.ABSENT and given:
            self.add_error(presence_field, _("An absent applicant (TH) cannot have scores."))
        elif not presence and given:
            self.add_error(presence_field, _("Choose the attendance for these scores."))

    def clean(self):
        super().clean()
        self._check_part("skd_presence", ("twk", "tiu", "tkp"))
        self._check_part("skb_presence", ("skb",))
        return self.cleaned_data

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields}


class MeritFilterForm(forms.Form):
    """The merit list's filters (GET). An unknown value is an error shown on the form, never
    silently ignored: `filters()` is None then, and the page lists nothing rather than the
    unfiltered list in its place."""

    formation = forms.ModelChoiceField(
        label=_("Formation"), queryset=Formation.objects.none(), required=False
    )
    skd_code = forms.ChoiceField(label=_("SKD code"), required=False)
    final_code = forms.ChoiceField(label=_("Final code"), required=False)

    def __init__(self, *args, formations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["formation"].queryset = formations
        self.fields["formation"].empty_label = _("All formations")
        self.fields["formation"].label_from_instance = lambda f: (
            f"{f.position.name} · {f.position.unit.name} · {f.get_category_display()}"
        )
        self.fields["skd_code"].choices = [("", _("All")), *SkdCode.choices]
        self.fields["final_code"].choices = [("", _("All")), *FinalCode.choices]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("formation", css_class="col-12 col-md-5"),
                Column("skd_code", css_class="col-6 col-md-2"),
                Column("final_code", css_class="col-6 col-md-3"),
                Column(
                    Submit("", _("Show"), css_class="btn-primary"),
                    css_class="col-12 col-md-2 d-flex align-items-md-end mb-3",
                ),
            ),
        )

    def filters(self) -> dict | None:
        if not self.is_bound:
            return {"formation": None, "skd_code": "", "final_code": ""}
        if not self.is_valid():
            return None
        return {
            "formation": self.cleaned_data.get("formation"),
            "skd_code": self.cleaned_data.get("skd_code") or "",
            "final_code": self.cleaned_data.get("final_code") or "",
        }


class OfferDecisionForm(forms.Form):
    decision = forms.TypedChoiceField(
        choices=[("confirm", _("Confirm")), ("decline", _("Decline"))],
        coerce=lambda value: value == "confirm",
    )
