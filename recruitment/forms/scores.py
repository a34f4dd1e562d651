"""Forms of the scores pages: the score file upload, one application's scores, the merit list's
filters and the optimisation decision. They validate and normalise; the services write."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from recruitment.models import FinalCode, Formation, Presence, ScoreImport, SkdCode
from recruitment.services.score_rules import PPPK_PARTS, SKD_PARTS, pppk_maxima, skd_maxima
from recruitment.services.scores import max_file_bytes

PPPK_LABELS = {
    "teknis": _("Technical"),
    "manajerial": _("Managerial"),
    "sosiokultural": _("Socio-cultural"),
    "wawancara": _("Interview"),
}

PRESENCE_CHOICES = [("", _("Not recorded")), *Presence.choices]


class ScoreImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Scores"), choices=ScoreImport.Kind.choices)
    file = forms.FileField(
        label=_("File (CSV UTF-8 or Excel .xlsx)"),
        help_text=_(
            "SKD columns: registration_number, twk, tiu, tkp, presence. SKB columns: "
            "registration_number, skb (or one column per SKB part of the formations, e.g. cat, "
            "wawancara), presence. PPPK competency test columns: registration_number, teknis, "
            "manajerial, sosiokultural, wawancara, presence. Presence: present, absent (TH) or "
            "disqualified (DIS); absent and disqualified rows may leave the scores empty."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args, period, **kwargs):
        super().__init__(*args, **kwargs)
        Kind = ScoreImport.Kind
        kinds = (Kind.PPPK,) if period.is_pppk else (Kind.SKD, Kind.SKB)
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in kinds]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("kind", "file")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = max_file_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB.") % {"limit": f"{limit / 1024**2:g}"}
            )
        return upload


class ExamResultForm(forms.Form):
    """One application's scores, with the same bounds as the period's rules (the service checks
    them all again, as it does a file's rows): the SKD and the SKB (one score, or one per SKB
    part of the formation) for CPNS, the four parts of the competency test for PPPK."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required once the results have been announced: it is shown in the log."),
    )

    def __init__(self, *args, application, reason_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        period = application.period
        self.parts = list(application.formation.skb_parts.order_by("order", "pk"))
        self.fields["reason"].required = reason_required
        score = lambda label, maximum: forms.IntegerField(  # noqa: E731
            label=label, min_value=0, max_value=maximum, required=False
        )
        if period.is_pppk:
            self.presence_parts = {"pppk_presence": PPPK_PARTS}
            self.fields["pppk_presence"] = forms.ChoiceField(
                label=_("Attendance"), choices=PRESENCE_CHOICES, required=False
            )
            for part, maximum in pppk_maxima(period).items():
                self.fields[part] = score(PPPK_LABELS[part], maximum)
            layout = [
                Fieldset(
                    _("Competency test"),
                    Row(
                        Column("pppk_presence", css_class="col-12 col-md-4"),
                        *[Column(part, css_class="col-6 col-md-2") for part in PPPK_PARTS],
                    ),
                )
            ]
        else:
            skb_fields = [f"skb_part_{part.pk}" for part in self.parts] or ["skb"]
            self.presence_parts = {"skd_presence": SKD_PARTS, "skb_presence": tuple(skb_fields)}
            self.fields["skd_presence"] = forms.ChoiceField(
                label=_("SKD attendance"), choices=PRESENCE_CHOICES, required=False
            )
            for part, maximum in skd_maxima(period).items():
                self.fields[part] = score(part.upper(), maximum)
            self.fields["skb_presence"] = forms.ChoiceField(
                label=_("SKB attendance"), choices=PRESENCE_CHOICES, required=False
            )
            if self.parts:
                for part in self.parts:
                    name = f"skb_part_{part.pk}"
                    if part.eliminates:
                        self.fields[name] = forms.NullBooleanField(
                            label=str(part),
                            required=False,
                            widget=forms.Select(
                                choices=[("", "—"), ("true", _("Passed")), ("false", _("Failed"))]
                            ),
                        )
                    else:
                        self.fields[name] = forms.DecimalField(
                            label=str(part),
                            min_value=0,
                            max_value=part.max_score,
                            max_digits=6,
                            decimal_places=2,
                            required=False,
                            help_text=_("From 0 to %(max)s.") % {"max": part.max_score},
                        )
            else:
                self.fields["skb"] = forms.DecimalField(
                    label="SKB",
                    min_value=0,
                    max_value=period.skb_max,
                    max_digits=6,
                    decimal_places=2,
                    required=False,
                    help_text=_("From 0 to %(max)s.") % {"max": period.skb_max},
                )
            layout = [
                Fieldset(
                    _("SKD"),
                    Row(
                        Column("skd_presence", css_class="col-12 col-md-3"),
                        *[Column(part, css_class="col-4 col-md-3") for part in SKD_PARTS],
                    ),
                ),
                Fieldset(
                    _("SKB"),
                    Row(
                        Column("skb_presence", css_class="col-12 col-md-4"),
                        *[Column(name, css_class="col-6 col-md-4") for name in skb_fields],
                    ),
                ),
            ]
        self.order_fields([*[name for name in self.fields if name != "reason"], "reason"])
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *layout, "reason", Submit("save", _("Save scores"), css_class="btn-primary")
        )

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
        for presence_field, score_fields in self.presence_parts.items():
            self._check_part(presence_field, score_fields)
        return self.cleaned_data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            name: data.get(name)
            for name in self.fields
            if name != "reason" and not name.startswith("skb_part_")
        }
        kwargs["reason"] = data.get("reason", "")
        if self.parts:
            kwargs["skb_parts"] = {part.pk: data.get(f"skb_part_{part.pk}") for part in self.parts}
        return kwargs


class MeritFilterForm(forms.Form):
    """The merit list's filters (GET). An unknown value is an error shown on the form, never
    silently ignored: `filters()` is None then, and the page lists nothing rather than the
    unfiltered list in its place."""

    formation = forms.ModelChoiceField(
        label=_("Formation"), queryset=Formation.objects.none(), required=False
    )
    skd_code = forms.ChoiceField(label=_("SKD code"), required=False)
    final_code = forms.ChoiceField(label=_("Final code"), required=False)

    def __init__(self, *args, formations, pppk: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["formation"].queryset = formations
        self.fields["formation"].empty_label = _("All formations")
        self.fields["formation"].label_from_instance = lambda f: (
            f"{f.position.name} · {f.position.unit.name} · {f.get_category_display()}"
        )
        self.fields["skd_code"].choices = [("", _("All SKD codes")), *SkdCode.choices]
        self.fields["final_code"].choices = [("", _("All final codes")), *FinalCode.choices]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        if pppk:  # one competency test: no SKD code
            del self.fields["skd_code"]
        self.helper.layout = Layout(
            Row(
                Column("formation", css_class="col-12 col-md-5"),
                *([] if pppk else [Column("skd_code", css_class="col-6 col-md-2")]),
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
