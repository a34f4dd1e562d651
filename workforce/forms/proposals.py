"""Forms of formation proposals: the year and sector picker, the proposal with one row per
position, and the decision. They validate and normalise; the services write."""

from urllib.parse import urlencode

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workforce.models import AsnType, FormationProposal, PlanningYear, Position, Sector
from workforce.services.proposals import ProposalItemInput

MAX_COUNT = 999
MAX_TEXT = 2000


class ProposalScopeForm(forms.Form):
    """`?year=&sector=` on the create page: the planning year (without it, the current year)
    and, optionally, one sector whose shortages the proposal lists."""

    year = forms.IntegerField(label=_("Planning year"), min_value=2000, max_value=2100)
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        required=False,
        empty_label=_("All sectors"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Div(
                Div("year", css_class="col-5 col-sm-4"),
                Div("sector", css_class="col-7 col-sm-5"),
                Div(
                    StrictButton(_("Show"), type="submit", css_class="btn-outline-secondary"),
                    css_class="col-12 col-sm-3 mb-3 align-self-end",
                ),
                css_class="row",
            )
        )

    @classmethod
    def from_query(cls, query) -> "ProposalScopeForm":
        current = timezone.localdate().year
        bound = query if (query.get("year") or query.get("sector")) else None
        return cls(bound, initial={"year": current})

    # Each field on its own: a bad sector in the address keeps the year asked for, and the
    # other way round.
    def _chosen(self, name):
        if self.is_bound:
            self.is_valid()
            return self.cleaned_data.get(name)
        return None

    @property
    def chosen_year(self) -> int:
        return self._chosen("year") or self.initial["year"]

    @property
    def chosen_sector(self) -> Sector | None:
        return self._chosen("sector")

    def query(self, **changes) -> str:
        """The query string of this scope, with `changes` applied (e.g. another sector)."""
        values = {"year": self.chosen_year, "sector": self.chosen_sector}
        values.update(changes)
        return urlencode(
            {
                "year": values["year"],
                **({"sector": values["sector"].pk} if values["sector"] else {}),
            }
        )


class ProposalItemForm(forms.Form):
    """One position of the proposal. A number of 0 leaves the position out."""

    position = forms.IntegerField(widget=forms.HiddenInput)
    asn_type = forms.ChoiceField(label=_("ASN type"), choices=AsnType.choices)
    count = forms.IntegerField(
        label=_("Number to propose"),
        min_value=0,
        max_value=MAX_COUNT,
        help_text=_("0 leaves this position out."),
    )
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why the unit needs these people; required when the number is above 0."),
    )

    def __init__(self, *args, positions: dict[int, Position], **kwargs):
        super().__init__(*args, **kwargs)
        self.positions = positions
        # Rendered by workforce/_proposal_item.html (plain Bootstrap markup, not crispy).
        for name, css in (
            ("asn_type", "form-select"),
            ("count", "form-control"),
            ("justification", "form-control"),
        ):
            self.fields[name].widget.attrs["class"] = css
        raw = self.data.get(self.add_prefix("position")) if self.is_bound else None
        raw = raw if raw is not None else self.initial.get("position")
        try:
            self.position_obj = positions.get(int(raw))
        except (TypeError, ValueError):
            self.position_obj = None
        # A proposal lists 20 or more positions: the error summary names the position of each
        # error, and links a row's own error to its number (setting it to 0 is one way out).
        self.error_summary_non_field_target = self["count"].id_for_label
        if self.position_obj is not None:
            self.error_summary_labels = {
                name: _("%(position)s, %(field)s")
                % {"position": self.position_obj.name, "field": self.fields[name].label}
                for name in ("asn_type", "count", "justification")
            }

    def full_clean(self):
        super().full_clean()
        for name in ("asn_type", "count", "justification"):
            if name in self.errors:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()

    def clean_justification(self):
        return self.cleaned_data["justification"].strip()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("count"):
            return cleaned
        if cleaned.get("position") not in self.positions:
            raise forms.ValidationError(
                _(
                    "This position no longer has a shortage in this year. Set its number to 0 "
                    "or open the page again."
                )
            )
        if not cleaned.get("justification"):
            self.add_error(
                "justification", _("Please say why this position needs the people proposed.")
            )
        return cleaned

    @property
    def proposed(self) -> bool:
        return bool(self.cleaned_data.get("count"))


class BaseProposalItemFormSet(forms.BaseFormSet):
    @property
    def error_summary_non_form_target(self) -> str:
        """ "Propose at least one position" links to the first row's number."""
        return self.forms[0]["count"].id_for_label if self.forms else ""

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if not form.proposed:
                continue
            key = (form.cleaned_data["position"], form.cleaned_data["asn_type"])
            if key in seen:
                form.add_error(
                    "asn_type", _("This position is already proposed with this ASN type above.")
                )
            seen.add(key)
        if not seen:
            raise forms.ValidationError(_("Propose at least one position: set a number above 0."))


ProposalItemFormSet = forms.formset_factory(
    ProposalItemForm, formset=BaseProposalItemFormSet, extra=0
)


class ProposalForm(forms.Form):
    """The title and one row per candidate position (`items`, a formset).

    New proposal: every position with a shortage, prefilled with its gap and ASN type. Editing
    a draft: its items first, then the other shortages with 0."""

    title = forms.CharField(label=_("Title"), max_length=200)

    def __init__(
        self,
        data=None,
        *,
        planning_year: PlanningYear,
        candidates: list[Position],
        proposal: FormationProposal | None = None,
        sector: Sector | None = None,
        **kwargs,
    ):
        positions = {position.pk: position for position in candidates}
        if proposal is None:
            title = _("Formation proposal %(year)s") % {"year": planning_year.year}
            if sector is not None:
                title = _("Formation proposal %(year)s: %(sector)s") % {
                    "year": planning_year.year,
                    "sector": sector,
                }
            rows = [_row(position, position.asn_type, position.gap, "") for position in candidates]
        else:
            title = proposal.title
            items = list(proposal.items.all())
            listed = {item.position_id for item in items}
            rows = [
                _row(positions.get(i.position_id), i.asn_type, i.count, i.justification)
                for i in items
            ] + [_row(p, p.asn_type, 0, "") for p in candidates if p.pk not in listed]
        super().__init__(data, initial={"title": title}, **kwargs)
        self.items = ProposalItemFormSet(
            data, initial=rows, prefix="items", form_kwargs={"positions": positions}
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def is_valid(self) -> bool:
        # Both halves are validated, so every error shows at once.
        return all([super().is_valid(), self.items.is_valid()])

    @property
    def has_errors(self) -> bool:
        return self.is_bound and not self.is_valid()

    def item_inputs(self) -> list[ProposalItemInput]:
        return [
            ProposalItemInput(
                position=form.positions[form.cleaned_data["position"]],
                asn_type=form.cleaned_data["asn_type"],
                count=form.cleaned_data["count"],
                justification=form.cleaned_data["justification"],
            )
            for form in self.items
            if form.proposed
        ]


def _row(position: Position | None, asn_type: str, count: int, justification: str) -> dict:
    return {
        "position": position.pk if position else None,
        "asn_type": asn_type,
        "count": count,
        "justification": justification,
    }


class ProposalDecisionForm(forms.Form):
    """Approve or reject (the button pressed), with a note; a rejection needs the note."""

    APPROVE = "approve"
    REJECT = "reject"

    decision = forms.ChoiceField(
        choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))],
        error_messages={
            "required": _("Choose whether to approve or reject the proposal."),
            "invalid_choice": _("Choose whether to approve or reject the proposal."),
        },
    )
    note = forms.CharField(
        label=_("Decision note"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you reject the proposal, so HR knows what to change."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        # The decision comes from the button pressed; the template renders the buttons.
        self.helper.layout = Layout("note")

    def clean_note(self):
        return self.cleaned_data["note"].strip()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REJECT and not cleaned.get("note"):
            self.add_error("note", _("Please explain why the proposal is rejected."))
        return cleaned

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE
