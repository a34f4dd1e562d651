from allauth.account.adapter import DefaultAccountAdapter

from accounts.navigation import landing_url


class AccountAdapter(DefaultAccountAdapter):
    """Keeps e-mail addresses lower-case, so one address is one account whatever its spelling;
    sends applicants and residents to their own page after signing in."""

    def clean_email(self, email):
        return super().clean_email(email).strip().lower()

    def get_login_redirect_url(self, request):
        # Only when the sign-in carries no ?next= (allauth follows a safe one first).
        return landing_url(request.user) or super().get_login_redirect_url(request)
