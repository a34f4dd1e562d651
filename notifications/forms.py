import phonenumbers
from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from accounts.roles import Role, user_roles
from core import channels
from notifications.models import ESSENTIAL, Category

MOBILE_TYPES = (
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
)

CHANNEL_LABELS = {
    "email": _("E-mail"),
    "sms": _("SMS"),
    "whatsapp": _("WhatsApp"),
}


def available_channels() -> list[tuple[str, str]]:
    return [(c, label) for c, label in CHANNEL_LABELS.items() if channels.available(c)]


# Who gets each kind of message: a category is shown to the people it can concern (anyone may
# apply, so applications are offered to anyone who is not staff-only; everyone may use the forum
# and ask about their data). A category not shown keeps its default (e-mail).
CATEGORY_ROLES = {
    Category.RECRUITMENT: {Role.APPLICANT},
    Category.TRAINING: {Role.EMPLOYEE, Role.SUPERVISOR, Role.HR},
    Category.PERFORMANCE: {Role.EMPLOYEE, Role.SUPERVISOR, Role.HR},
    Category.NEWS: {Role.APPLICANT, Role.EMPLOYEE, Role.SUPERVISOR},
}


VERIFY_FIRST = _(
    "Verify your mobile number under “SMS and WhatsApp” before choosing SMS or WhatsApp."
)


def shown_categories(user) -> list[str]:
    if user is None:
        return list(Category.values)
    roles = user_roles(user)
    return [
        category
        for category in Category.values
        if category not in CATEGORY_ROLES or roles & CATEGORY_ROLES[category]
    ]


class PreferencesForm(forms.Form):
    """One group of check boxes per category; quiet hours."""

    quiet_start = forms.TimeField(
        label=_("Quiet hours from"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_(
            "SMS and WhatsApp messages that are not urgent wait until the quiet hours end."
        ),
    )
    quiet_end = forms.TimeField(
        label=_("Quiet hours until"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def __init__(self, *args, prefs, user=None, **kwargs):
        initial = {"quiet_start": prefs.quiet_start, "quiet_end": prefs.quiet_end}
        for category in Category.values:
            initial[f"c_{category}"] = prefs.chosen(category)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.prefs = prefs
        # SMS and WhatsApp are offered once a number is verified (the page says how).
        choices = [
            (c, label) for c, label in available_channels() if c == "email" or prefs.phone_verified
        ]
        self.shown = shown_categories(user)
        fields = {}
        for category, label in Category.choices:
            if category not in self.shown:
                continue
            fields[f"c_{category}"] = forms.MultipleChoiceField(
                label=label,
                choices=choices,
                required=category in ESSENTIAL,
                widget=forms.CheckboxSelectMultiple,
                # The page says once that every message stays in the inbox and that a kind
                # left unticked comes only there; the essential one says why it needs one.
                help_text=(
                    _("Messages that can cost you a place: choose at least one.")
                    if category in ESSENTIAL
                    else ""
                ),
                error_messages={
                    "required": _("Choose at least one channel for your applications' messages."),
                    # SMS/WhatsApp are not offered before the number is verified.
                    "invalid_choice": VERIFY_FIRST,
                },
            )
        # The categories first, the quiet hours last.
        self.fields = {**fields, **self.fields}
        # The channels of a category on one line (three short boxes fit a phone's width).
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *[InlineCheckboxes(name) for name in fields],
            Row(
                Column("quiet_start", css_class="col-sm-6"),
                Column("quiet_end", css_class="col-sm-6"),
            ),
        )

    def clean(self):
        data = super().clean()
        if not self.prefs.phone_verified:
            for category in Category.values:
                chosen = data.get(f"c_{category}") or []
                if any(c in ("sms", "whatsapp") for c in chosen):
                    self.add_error(
                        f"c_{category}",
                        VERIFY_FIRST,
                    )
        return data

    def channels_by_category(self) -> dict:
        """The choices shown, and the saved (or default) ones of the categories not shown."""
        return {
            c: (self.cleaned_data.get(f"c_{c}") or []) if c in self.shown else self.prefs.chosen(c)
            for c in Category.values
        }


class PhoneForm(forms.Form):
    phone = PhoneNumberField(
        label=_("Mobile number"),
        region="ID",
        help_text=_("For example 0812 3456 7890 or +62 812 3456 7890."),
        error_messages={
            "invalid": _(
                "This is not a valid mobile number. Write it as 0812 3456 7890 or "
                "+62 812 3456 7890."
            )
        },
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    channel = forms.ChoiceField(label=_("Send the code by"), widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [
            (c, label) for c, label in available_channels() if c != "email"
        ]
        if self.fields["channel"].choices:
            self.fields["channel"].initial = self.fields["channel"].choices[0][0]

    def clean_phone(self):
        """An Indonesian mobile number: SMS and WhatsApp reach neither a landline nor (through
        the portal's gateways) a foreign number."""
        phone = self.cleaned_data["phone"]
        raw = self.data.get(self.add_prefix("phone"), "")
        if any(ch.isalpha() for ch in raw):
            # libphonenumber reads letters as keypad digits (0812-ABC-1234 → 0812-222-1234):
            # a typo must not send a code to a stranger.
            raise forms.ValidationError(
                _(
                    "A mobile number has digits only (spaces, dashes and a leading + are fine), "
                    "for example 0812 3456 7890."
                ),
                code="letters",
            )
        if phone.country_code != 62 or phonenumbers.number_type(phone) not in MOBILE_TYPES:
            raise forms.ValidationError(
                _(
                    "Enter an Indonesian mobile number (starting with 08 or +62 8), for example "
                    "0812 3456 7890."
                ),
                code="not_mobile",
            )
        return phone


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the message"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}
        ),
        error_messages={"min_length": _("The code has 6 digits.")},
    )


class BulkForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=120)
    body = forms.CharField(
        label=_("Message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Shown in full in the inbox and by e-mail; SMS and WhatsApp carry the subject and a "
            "link to it."
        ),
    )
