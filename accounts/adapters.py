from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from accounts.navigation import landing_url
from core import outbox


class AccountAdapter(DefaultAccountAdapter):
    """Keeps e-mail addresses lower-case, so one address is one account whatever its spelling;
    sends applicants and residents to their own page after signing in; sends the account's
    e-mails (confirmation, password reset, notices) through the outbox."""

    def send_mail(self, template_prefix, email, context):
        """Through the outbox (core/outbox.py), sent at once: a mail server that is down no
        longer fails the sign-up or the password reset with an error page; the message waits
        and the outbox job sends it when the server is back. (Sent at once rather than after
        the commit: allauth's views run in autocommit, so the row is committed already, and
        a code or a link must not wait for a worker.)"""
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        kind = "accounts." + template_prefix.rsplit("/", 1)[-1]
        user = context.get("user")
        user = user if getattr(user, "pk", None) else None  # erased or exported with the account
        row = outbox.queue_email(message, kind=kind[:60], user=user)
        outbox.send_queued([row])

    def clean_email(self, email):
        return super().clean_email(email).strip().lower()

    def get_login_redirect_url(self, request):
        # Only when the sign-in carries no ?next= (allauth follows a safe one first).
        return landing_url(request.user) or super().get_login_redirect_url(request)
