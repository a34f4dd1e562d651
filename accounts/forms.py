from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import User
from accounts.roles import SELF_SERVICE_ROLES, Role


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (allauth adds e-mail and passwords)."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    role = forms.ChoiceField(
        label=_("I am signing up as"),
        choices=[(role.value, role.label) for role in SELF_SERVICE_ROLES],
        initial=Role.APPLICANT,
        widget=forms.RadioSelect,
        help_text=_(
            "Applicants apply for vacancies; residents take part in the public-service forums."
        ),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=20,
        required=False,
        validators=User._meta.get_field("phone").validators,
    )
    # UU PDP Pasal 20-22: the account rests on consent, given after reading the notice (linked
    # from the sign-up page). The privacy app records it on allauth's user_signed_up signal, so
    # accounts does not depend on privacy; the field name is what it looks for.
    privacy_consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree to the processing of my data for my account."
        ),
        required=True,
        error_messages={"required": _("Please read the privacy notice and tick the box.")},
    )

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if len(name) < 2:
            raise forms.ValidationError(_("Please enter your full name."))
        return name

    def signup(self, request, user):
        """Called by allauth once the user row exists."""
        services.user_complete_signup(
            user=user,
            full_name=self.cleaned_data["full_name"],
            phone=self.cleaned_data["phone"],
            role=self.cleaned_data["role"],
            language=translation.get_language_from_request(request),
        )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "preferred_language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save changes")))

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())
