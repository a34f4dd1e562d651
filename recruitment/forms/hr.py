"""HR's forms for periods, formations and the application list. They validate and normalise;
the services in recruitment.services.periods write. Times are typed and shown in WIB."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.fields import WibDateTimeField
from forums.models import Topic
from forums.selectors.topics import public_topics
from recruitment.models import (
    DocumentRequirement,
    Formation,
    FormationCategory,
    ProcurementType,
    SelectionPeriod,
    SkbPart,
)
from recruitment.models.periods import validate_phone_number
from recruitment.selectors.hr import hr_status_choices
from recruitment.services.periods import PeriodError, default_required_slugs
from workforce.models import AsnType, EducationLevel, FormationProposal, Position

MAX_TEXT = 4000


def _date_field(label, **kwargs):
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


class ServiceErrorsMixin:
    def add_service_errors(self, error: PeriodError) -> None:
        """Show a service's refusal beside the fields it names; the rest above the form."""
        for name, messages in error.errors.items():
            self.add_error(name if name in self.fields else None, list(messages))


class PeriodForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    year = forms.IntegerField(label=_("Budget year"), min_value=2000, max_value=2100)
    procurement_type = forms.ChoiceField(
        label=_("Procurement type"), choices=ProcurementType.choices
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    registration_opens_at = WibDateTimeField(label=_("Registration opens (WIB)"))
    registration_closes_at = WibDateTimeField(
        label=_("Registration closes (WIB)"),
        help_text=_("At least 15 calendar days after it opens (PP 11/2017 Pasal 22)."),
    )
    admin_announcement_at = WibDateTimeField(
        label=_("Administrative result announced (WIB)"), required=False
    )
    appeal_days = forms.IntegerField(
        label=_("Appeal window (calendar days)"), min_value=1, max_value=60, initial=3
    )
    appeal_answer_days = forms.IntegerField(
        label=_("Days to answer appeals"), min_value=1, max_value=60, initial=7
    )
    exam_starts_on = _date_field(_("Exams start"), required=False)
    exam_ends_on = _date_field(_("Exams end"), required=False)
    final_announcement_at = WibDateTimeField(label=_("Final announcement (WIB)"), required=False)
    age_min = forms.IntegerField(
        label=_("Minimum age"),
        required=False,
        min_value=15,
        max_value=60,
        help_text=_("Empty: the default for the procurement type (CPNS 18, PPPK 20)."),
    )
    age_max = forms.IntegerField(
        label=_("Maximum age"),
        required=False,
        min_value=18,
        max_value=65,
        help_text=_("Empty: the default for the procurement type (CPNS 35, PPPK 59)."),
    )
    age_reference_date = _date_field(
        _("Age reference date"),
        required=False,
        help_text=_("The day on which applicants' age is computed. Empty: the closing day."),
    )

    contact_email = forms.EmailField(label=_("Committee e-mail"), required=False)
    contact_phone = forms.CharField(
        label=_("Committee telephone"),
        required=False,
        max_length=30,
        validators=[validate_phone_number],
    )
    contact_whatsapp = forms.CharField(
        label=_("Committee WhatsApp number"),
        required=False,
        max_length=30,
        validators=[validate_phone_number],
        help_text=_("A number that answers WhatsApp messages, e.g. 0811 5200 1000."),
    )
    contact_hours = forms.CharField(
        label=_("Office hours"),
        required=False,
        max_length=200,
        help_text=_("When the committee answers, e.g. Senin-Jumat 08.00-15.00 WIB."),
    )
    contact_address = forms.CharField(
        label=_("Committee office address"), required=False, max_length=300
    )

    def __init__(self, *args, period: SelectionPeriod | None = None, **kwargs):
        if period is not None:
            kwargs.setdefault("initial", {name: getattr(period, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        half = "col-12 col-md-6"
        third = "col-12 col-md-4"
        self.helper.layout = Layout(
            Fieldset(
                _("Selection period"),
                "name",
                Row(Column("year", css_class=half), Column("procurement_type", css_class=half)),
                "description",
            ),
            Fieldset(
                _("Timeline (WIB)"),
                Row(
                    Column("registration_opens_at", css_class=half),
                    Column("registration_closes_at", css_class=half),
                ),
                Row(
                    Column("admin_announcement_at", css_class=half),
                    Column("final_announcement_at", css_class=half),
                ),
                Row(
                    Column("appeal_days", css_class=half),
                    Column("appeal_answer_days", css_class=half),
                ),
                Row(
                    Column("exam_starts_on", css_class=half),
                    Column("exam_ends_on", css_class=half),
                ),
            ),
            Fieldset(
                _("Age limits"),
                Row(
                    Column("age_min", css_class=third),
                    Column("age_max", css_class=third),
                    Column("age_reference_date", css_class=third),
                ),
            ),
            Fieldset(
                _("Contact point of the selection committee"),
                HTML(
                    '<p class="small">{}</p>'.format(
                        escape(
                            _(
                                "Shown to applicants on the period's help page, their "
                                "application, the document upload and the appeal form. Left "
                                "empty on a new period, the latest period's contact is used."
                            )
                        )
                    )
                ),
                Row(
                    Column("contact_email", css_class=half),
                    Column("contact_phone", css_class=half),
                ),
                Row(
                    Column("contact_whatsapp", css_class=half),
                    Column("contact_hours", css_class=half),
                ),
                "contact_address",
            ),
        )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("registration_opens_at"), cleaned.get("registration_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("registration_closes_at", _("Registration must close after it opens."))
        starts, ends = cleaned.get("exam_starts_on"), cleaned.get("exam_ends_on")
        if starts and ends and ends < starts:
            self.add_error("exam_ends_on", _("The exams cannot end before they start."))
        age_min, age_max = cleaned.get("age_min"), cleaned.get("age_max")
        if age_min is not None and age_max is not None and age_max < age_min:
            self.add_error("age_max", _("The maximum age cannot be below the minimum age."))
        return cleaned


class FormationForm(ServiceErrorsMixin, forms.Form):
    position = forms.ModelChoiceField(
        label=_("Position"),
        queryset=Position.objects.select_related("unit").order_by("unit__name", "name"),
    )
    asn_type = forms.ChoiceField(label=_("ASN type"), choices=AsnType.choices)
    category = forms.ChoiceField(
        label=_("Category"), choices=FormationCategory.choices, initial=FormationCategory.UMUM
    )
    quota = forms.IntegerField(label=_("Quota"), min_value=1, max_value=999)
    education_level = forms.ChoiceField(
        label=_("Required education level"), choices=EducationLevel.choices
    )
    accepted_programmes = forms.CharField(
        label=_("Accepted study programmes"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line. Empty: any programme at the required level."),
    )
    age_max_override = forms.IntegerField(
        label=_("Maximum age for this formation"),
        required=False,
        min_value=18,
        max_value=65,
        help_text=_("Empty: the period's; e.g. 40 for doctors (PP 11/2017 Pasal 23)."),
    )
    required_documents = forms.ModelMultipleChoiceField(
        label=_("Required documents"),
        queryset=DocumentRequirement.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    extra_criteria = forms.CharField(
        label=_("Extra criteria"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    informing_topics = forms.ModelMultipleChoiceField(
        label=_("Residents' topics that informed the criteria"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Shown to applicants on the vacancy page."),
    )

    def __init__(
        self, *args, period: SelectionPeriod, formation: Formation | None = None, **kwargs
    ):
        requirements = DocumentRequirement.objects.filter(period=period).order_by("order", "pk")
        if formation is not None:
            initial = {
                name: getattr(formation, name)
                for name in self.base_fields
                if name not in ("required_documents", "informing_topics")
            }
            initial["required_documents"] = list(formation.required_documents.all())
            initial["informing_topics"] = list(formation.informing_topics.all())
        else:
            initial = {
                "category": FormationCategory.UMUM,
                "required_documents": list(requirements.filter(slug__in=default_required_slugs())),
            }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["required_documents"].queryset = requirements
        self.fields["informing_topics"].queryset = public_topics()
        self.fields["position"].label_from_instance = lambda p: f"{p.unit.name} · {p.name}"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        half = "col-12 col-md-6"
        self.helper.layout = Layout(
            "position",
            Row(Column("asn_type", css_class=half), Column("category", css_class=half)),
            Row(Column("quota", css_class=half), Column("education_level", css_class=half)),
            "accepted_programmes",
            "age_max_override",
            "required_documents",
            "extra_criteria",
            "informing_topics",
        )

    def clean_accepted_programmes(self):
        lines = (line.strip() for line in self.cleaned_data["accepted_programmes"].splitlines())
        return "\n".join(line for line in lines if line)

    def clean_extra_criteria(self):
        return self.cleaned_data["extra_criteria"].strip()

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["required_slugs"] = [r.slug for r in data.pop("required_documents")]
        return data


class FromProposalForm(forms.Form):
    proposal = forms.ModelChoiceField(
        label=_("Approved proposal"),
        queryset=FormationProposal.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Choose an approved proposal."),
            "invalid_choice": _("Choose an approved proposal; that one is not approved."),
        },
    )

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = proposals
        self.fields["proposal"].label_from_instance = _proposal_label
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout("proposal")


def _proposal_label(proposal) -> str:
    people = getattr(proposal, "people", None) or 0
    return ngettext(
        "%(title)s (planning year %(year)s, %(people)s person)",
        "%(title)s (planning year %(year)s, %(people)s people)",
        people,
    ) % {"title": proposal.title, "year": proposal.planning_year.year, "people": people}


class ApplicationFilterForm(forms.Form):
    """The application list's filters (GET). An unknown status is an error, never ignored."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    q = forms.CharField(
        label=_("Registration number"),
        required=False,
        max_length=100,
        strip=True,
        help_text=_(
            "Names are not searched here, so that they never appear in the page's address."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *hr_status_choices()]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("status", css_class="col-12 col-md-5"),
                Column("q", css_class="col-12 col-md-5"),
                Column(
                    Submit("", _("Show"), css_class="btn-primary"),
                    css_class="col-12 col-md-2 d-flex align-items-md-end mb-3",
                ),
            ),
        )

    def filters(self) -> dict:
        if not self.is_valid():
            return {"status": None, "search": None}
        return {
            "status": self.cleaned_data.get("status") or None,
            "search": self.cleaned_data.get("q") or None,
        }


class PublishForm(forms.Form):
    """The publish and withdraw buttons: `published` is 1 or 0."""

    published = forms.TypedChoiceField(
        choices=[("1", _("Publish")), ("0", _("Withdraw from publication"))],
        coerce=lambda value: value == "1",
    )


class SkbPartForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SkbPart.Kind.choices)
    code = forms.SlugField(
        label=_("Column"),
        max_length=20,
        help_text=_("Its column in the SKB score file, e.g. cat, wawancara."),
    )
    weight = forms.IntegerField(label=_("Weight (%)"), min_value=0, max_value=100, initial=0)
    max_score = forms.IntegerField(
        label=_("Maximum score"), min_value=1, max_value=9999, initial=100
    )
    eliminates = forms.BooleanField(label=_("Elimination test (passed or failed)"), required=False)


SkbPartFormSet = forms.formset_factory(SkbPartForm, extra=1, can_delete=True, max_num=10)
