from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language as django_set_language

from accounts import services
from accounts import today as today_registry
from accounts.forms import ProfileForm
from accounts.navigation import landing_url
from accounts.roles import Role, user_roles


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.user_update_profile(user=request.user, **form.cleaned_data)
        translation.activate(user.preferred_language)
        messages.success(request, _("Your profile has been saved."))
        response = redirect("accounts:profile")
        _set_language_cookie(response, user.preferred_language)
        return response
    roles = [Role(name).label for name in sorted(user_roles(request.user))]
    return render(request, "accounts/profile.html", {"form": form, "roles": roles})


@require_http_methods(["GET", "POST"])
def set_language(request):
    """The language switch. A POST (the form signed-in people get) is Django's set_language and
    saves the choice on the account, the language of the person's e-mails. A GET (the link on
    the pages kept in the public cache, which can carry no per-visitor CSRF token) only sets the
    language cookie of this browser: nothing else a forged link could change."""
    if request.method == "POST":
        response = django_set_language(request)
        language = request.POST.get("language")
        if request.user.is_authenticated and language in dict(settings.LANGUAGES):
            services.user_set_preferred_language(user=request.user, language=language)
        return response
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    language = request.GET.get("language")
    if language and check_for_language(language) and language in dict(settings.LANGUAGES):
        _set_language_cookie(response, language)
    return response


def _set_language_cookie(response, language):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def lockout(request, original_response=None, credentials=None):
    """django-axes' lockout page (AXES_LOCKOUT_CALLABLE), saying how long the pause lasts."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(request, "account/lockout.html", {"minutes": minutes}, status=429)


@login_required
def today(request):
    """What waits for this person today, from every app (accounts.today). People with no
    section (applicants, residents) have their own landing page and are sent there."""
    if not today_registry.has_today(request.user):
        return redirect(landing_url(request.user) or "home")
    shown = today_registry.today_for(request.user)
    return render(
        request,
        "accounts/today.html",
        {"sections": shown, "waiting": sum(item.total for item in shown)},
    )
