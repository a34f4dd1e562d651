from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Keeps e-mail addresses lower-case, so one address is one account whatever its spelling."""

    def clean_email(self, email):
        return super().clean_email(email).strip().lower()
