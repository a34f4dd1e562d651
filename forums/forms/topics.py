from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core import photos
from forums.models import StatusChange, Topic
from forums.selectors.topics import SORTS, topic_units
from workforce.models import Kelurahan, Sector, Unit


class HoneypotMixin(forms.Form):
    """A field people never see (display: none); bots that fill in every field fill it in."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("This form could not be sent. Please try again."))
        return ""


def _honeypot():
    return Div(Field("website"), css_class="d-none")


class ForumConsentMixin(forms.Form):
    """With `needs_consent` (the person has not agreed to the current privacy notice for the
    forums), the form asks for it: one submit agrees and posts, and nothing typed is lost."""

    def add_consent_field(self, needs_consent: bool):
        if not needs_consent:
            return []
        self.fields["privacy_consent"] = forms.BooleanField(
            label=format_html(
                '{} <a href="{}" target="_blank" rel="noopener">{}</a>',
                _(
                    "I agree to the processing of my personal data for the public-service "
                    "forums, as the privacy notice describes."
                ),
                reverse("privacy:notice"),
                _("Read the privacy notice"),
            ),
            error_messages={
                "required": _(
                    "Tick the box to agree to the privacy notice: your post is kept and shown "
                    "with your name."
                )
            },
        )
        return [Field("privacy_consent")]


# The hint under every text a person writes for the forums: how lists and links work, in their
# words (the text is rendered by forums.markup, which also reads Markdown).
WRITING_HINT = _(
    "Write as in a message: each new line is kept. For a list, start each line with - or 1. "
    "Web addresses become links."
)


class TopicFilterForm(forms.Form):
    """Laid out by hand in templates/forums/topic_list.html with core's {% filter_field %}, not by
    crispy: a public page on the hot path (core/templatetags/plain_fields.py says why)."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.all(), required=False, empty_label=_("All")
    )
    kelurahan = forms.ModelChoiceField(
        label=_("Kelurahan"), queryset=Kelurahan.objects.all(), required=False, empty_label=_("All")
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *Topic.Status.choices], required=False
    )
    # Set by links (the Today page's "unanswered in <unit>"), kept while the other filters change.
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.all(), required=False, widget=forms.HiddenInput
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("", _("Best match / newest")),
            ("supported", _("Most supported")),
            ("newest", _("Newest")),
            ("discussed", _("Most discussed")),
            ("unanswered", _("Unanswered")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        assert set(SORTS) <= {c for c, _label in self.fields["sort"].choices}


class UnitChoiceField(forms.ModelChoiceField):
    """A unit, named with its sector while the list is not narrowed to one sector."""

    narrowed = False

    def label_from_instance(self, obj):
        if self.narrowed:
            return obj.name
        return f"{obj.name} ({obj.sector})"


def chosen_id(value) -> int | None:
    """A choice's id as sent or given, or None (nothing chosen, or not a number)."""
    value = getattr(value, "pk", value)
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


class TopicForm(ForumConsentMixin, HoneypotMixin, forms.ModelForm):
    names_employee = forms.BooleanField(
        label=_("My post names or accuses an individual employee"),
        required=False,
        help_text=_(
            "Such posts are not published: the moderators handle them as a grievance, "
            "in confidence."
        ),
    )

    # Not a model field here: the service checks, re-encodes and stores the photo.
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": photos.ACCEPT}),
    )
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)

    class Meta:
        model = Topic
        fields = ["title", "body", "sector", "kelurahan", "unit"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
        field_classes = {"unit": UnitChoiceField}

    def __init__(
        self,
        *args,
        editing=False,
        max_title=200,
        max_body=8000,
        max_photo_kb=500,
        needs_consent=False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["photo"].help_text = _(
            "A photo straight from your phone (JPEG, PNG, WebP or HEIC, up to %(upload)s). The "
            "portal makes it smaller to fit %(limit)s KB and removes its location data."
        ) % {"upload": photos.size_label(photos.RAW_MAX_BYTES), "limit": max_photo_kb}
        self._narrow_units()
        self.fields["title"].max_length = max_title
        self.fields["title"].widget.attrs["maxlength"] = max_title
        # No maxlength on the body: an over-long post is refused with a message that says how
        # long it is, instead of being cut off by the browser.
        self.max_body = max_body
        self.fields["title"].error_messages["required"] = _("Write a title.")
        self.fields["body"].error_messages["required"] = _("Write what you expect of the service.")
        self.fields["body"].help_text = WRITING_HINT
        if editing:
            del self.fields["names_employee"]
        if not (editing and self.instance.photo):
            del self.fields["remove_photo"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "title",
            "body",
            Div(
                Field("sector", wrapper_class="col-md-4"),
                Field("kelurahan", wrapper_class="col-md-4"),
                Field("unit", wrapper_class="col-md-4"),
                css_class="row",
            ),
            "photo",
            *(["remove_photo"] if "remove_photo" in self.fields else []),
            *(["names_employee"] if not editing else []),
            *self.add_consent_field(needs_consent and not editing),
            _honeypot(),
        )

    def _chosen_sector(self) -> int | None:
        if self.is_bound:
            return chosen_id(self.data.get(self.add_prefix("sector")))
        return chosen_id(self.initial.get("sector") or self.instance.sector_id)

    def _narrow_units(self):
        """The unit list holds the chosen sector's units only: the page is rendered with them
        (without JavaScript, after a preview or a refused submission), a unit of another sector
        is refused, and with JavaScript the list follows the sector as it changes (htmx)."""
        sector = self._chosen_sector()
        field = self.fields["unit"]
        field.queryset = topic_units(sector)
        field.narrowed = sector is not None
        field.required = False
        field.error_messages["invalid_choice"] = _("This unit is not in the chosen sector.")
        field.help_text = _("Optional. The list shows the units of the sector chosen.")
        unit_id = self.auto_id % self.add_prefix("unit")
        self.fields["sector"].widget.attrs.update(
            {
                "hx-get": reverse("forums:unit_options"),
                "hx-trigger": "change",
                "hx-target": f"#{unit_id}",
                "hx-include": f"#{unit_id}",
                "hx-swap": "innerHTML",
            }
        )

    def clean_title(self):
        title = " ".join((self.cleaned_data.get("title") or "").split())
        if not title:
            raise forms.ValidationError(self.fields["title"].error_messages["required"])
        return title

    def clean_body(self):
        body = (self.cleaned_data.get("body") or "").strip()
        if not body:
            raise forms.ValidationError(self.fields["body"].error_messages["required"])
        if len(body) > self.max_body:
            raise forms.ValidationError(
                _("The text is %(length)s characters long; the limit is %(limit)s.")
                % {"length": len(body), "limit": self.max_body}
            )
        return body

    def clean(self):
        data = super().clean()
        unit, sector = data.get("unit"), data.get("sector")
        if unit and sector and unit.sector_id != sector.pk:
            self.add_error("unit", _("This unit is not in the chosen sector."))
        return data


class CommentForm(ForumConsentMixin, HoneypotMixin, forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=WRITING_HINT,
    )

    def __init__(self, *args, needs_consent=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].error_messages["required"] = _(
            "The reply is empty. Write something first."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("body", *self.add_consent_field(needs_consent), _honeypot())

    def clean_body(self):
        body = (self.cleaned_data.get("body") or "").strip()
        if not body:
            raise forms.ValidationError(self.fields["body"].error_messages["required"])
        return body


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=_("Official answer"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=format_lazy(
            "{} {}", _("Published as the institution's answer, with your name."), WRITING_HINT
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=Topic.Status.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    action_kind = forms.ChoiceField(
        label=_("What was done"),
        required=False,
        choices=[("", "—"), *StatusChange.ActionKind.choices],
    )
    action_description = forms.CharField(
        label=_("Description of what was done"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    action_url = forms.CharField(
        label=_("Link within the portal"),
        required=False,
        max_length=300,
        help_text=_("A path on this portal, e.g. the vacancy page: /recruitment/vacancies/12/."),
    )
    action_date = forms.DateField(
        label=_("Done on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_action_url(self):
        url = self.cleaned_data.get("action_url", "").strip()
        if url and (not url.startswith("/") or url.startswith("//")):
            raise forms.ValidationError(
                _("Give a path on this portal that starts with a single /.")
            )
        return url

    def clean(self):
        data = super().clean()
        if data.get("to_status") == Topic.Status.ACTED_UPON:
            for name in ("action_kind", "action_description", "action_date"):
                if not data.get(name):
                    self.add_error(name, _("Needed when the topic is marked acted upon."))
        return data
