"""The permission matrix (issue 9, after pretix): every URL of the project, walked from the URL
resolver with real ids from the demo data, as anonymous, as each role and as another owner.

House rule: anonymous -> login redirect, wrong role -> 403, someone else's object -> 404.
A new URL without an entry in EXPECT (and, when it takes arguments, in KWARGS) fails the build.
Also here: POSTs without a CSRF token are refused, the security headers are on every page, and
the Django admin lets in only the back-office roles, each to its own apps.

The demo seed takes a few seconds, so it runs once for the module inside an outer transaction
that is rolled back at the end (the same trick as Django's TestCase.setUpTestData); each test
runs in a savepoint inside it. Uploaded files go to a temporary folder.
"""

import re
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.http import HttpResponseForbidden
from django.middleware.csrf import REASON_CSRF_TOKEN_MISSING
from django.test import Client, override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

pytestmark = pytest.mark.django_db

PERSONAS = (
    "anonymous",
    "applicant",  # owner: a finalised application
    "applicant2",  # another owner: a draft application of her own
    "resident",
    "employee",
    "supervisor",
    "hr",
    "moderator",
    "admin",
)

# Outcomes of a GET. 200 is an HTML page; the others that reach the view are named by what
# they serve. "login" is a redirect to the login page with ?next=.
CONTENT_TYPES = {
    200: "text/html",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "svg": "image/svg+xml",
    "json": "application/json",
    "file": None,  # a download: an attachment, whatever its type
}
SERVED = set(CONTENT_TYPES)
# Outcomes that mean the view (not the access check) answered: the URL takes a POST there.
REACHED = SERVED | {405, 302}


def everyone(outcome):
    return dict.fromkeys(PERSONAS, outcome)


def signed_in(outcome):
    """login_required: anonymous to the login page, every signed-in user gets `outcome`."""
    return {**everyone(outcome), "anonymous": "login"}


def hr_only(outcome=200):
    """role_required(Role.HR): administrators hold every role's rights."""
    return {**signed_in(403), "hr": outcome, "admin": outcome}


def owner_or_hr(outcome):
    """recruitment.access.application_for_user: the applicant or HR, anyone else 404."""
    return {**signed_in(404), "applicant": outcome, "hr": outcome, "admin": outcome}


def owner_only(outcome):
    """recruitment.access.own_application: only the applicant, HR and admin 404 too."""
    return {**signed_in(404), "applicant": outcome}


EXPECT = {
    # rakumpit_asn/urls.py
    "home": everyone(200),
    "healthz": everyone("json"),
    "set_language": everyone(405),  # require_POST, no login needed
    # accounts/urls.py
    "accounts:profile": signed_in(200),
    # workforce/urls.py
    "workforce:needs_map": hr_only(),
    "workforce:needs_export": hr_only("xlsx"),
    "workforce:needs_chart": hr_only("svg"),
    "workforce:unit_detail": hr_only(),
    "workforce:abk_edit": hr_only(),
    "workforce:public_summary": everyone(200),
    "workforce:proposal_list": hr_only(),
    "workforce:proposal_create": hr_only(),
    "workforce:proposal_detail": hr_only(),
    "workforce:proposal_edit": hr_only(),
    "workforce:proposal_submit": hr_only(405),
    "workforce:proposal_decide": {**signed_in(403), "admin": 405},  # the head of office only
    "workforce:employee_list": hr_only(),
    "workforce:employee_export": hr_only("xlsx"),
    # recruitment/urls.py
    "recruitment:vacancy_list": everyone(200),
    "recruitment:vacancy_detail": everyone(200),
    "recruitment:profile": signed_in(200),
    "recruitment:apply": signed_in(405),
    "recruitment:application_list": signed_in(200),
    "recruitment:application_detail": owner_or_hr(200),
    "recruitment:application_finalise": signed_in(405),
    "recruitment:application_withdraw": signed_in(405),
    "recruitment:document_upload": owner_only(200),
    "recruitment:document_download": owner_or_hr("file"),
    "recruitment:application_card": owner_or_hr("pdf"),
    "recruitment:verify": everyone(200),
    "recruitment:verify_code": everyone(200),
    "recruitment:hr_period_list": hr_only(),
    "recruitment:hr_period_create": hr_only(),
    "recruitment:hr_period_detail": hr_only(),
    "recruitment:hr_period_edit": hr_only(),
    "recruitment:hr_period_publish": hr_only(405),
    "recruitment:hr_formation_create": hr_only(),
    "recruitment:hr_formations_from_proposal": hr_only(405),
    "recruitment:hr_formation_edit": hr_only(),
    "recruitment:hr_formation_publish": hr_only(405),
    "recruitment:hr_application_list": hr_only(),
    "recruitment:hr_application_export": hr_only("xlsx"),
    "recruitment:statistics": everyone(200),
}

# Real arguments from the demo data (see the `demo` fixture) for every URL that takes any.
KWARGS = {
    "workforce:needs_chart": lambda d: {"dimension": "sector"},
    "workforce:unit_detail": lambda d: {"pk": d.unit.pk},
    "workforce:abk_edit": lambda d: {"position_pk": d.position.pk, "year": d.year},
    "workforce:proposal_detail": lambda d: {"pk": d.proposal.pk},
    "workforce:proposal_edit": lambda d: {"pk": d.proposal.pk},
    "workforce:proposal_submit": lambda d: {"pk": d.proposal.pk},
    "workforce:proposal_decide": lambda d: {"pk": d.proposal.pk},
    "recruitment:vacancy_detail": lambda d: {"pk": d.formation.pk},
    "recruitment:apply": lambda d: {"pk": d.formation.pk},
    "recruitment:application_detail": lambda d: {"pk": d.application.pk},
    "recruitment:application_finalise": lambda d: {"pk": d.application.pk},
    "recruitment:application_withdraw": lambda d: {"pk": d.application.pk},
    "recruitment:document_upload": lambda d: {
        "pk": d.application.pk,
        "slug": d.document.requirement.slug,
    },
    "recruitment:document_download": lambda d: {"pk": d.document.pk},
    "recruitment:application_card": lambda d: {"pk": d.application.pk},
    "recruitment:verify_code": lambda d: {"code": d.application.verification_code},
    "recruitment:hr_period_detail": lambda d: {"pk": d.period.pk},
    "recruitment:hr_period_edit": lambda d: {"pk": d.period.pk},
    "recruitment:hr_period_publish": lambda d: {"pk": d.period.pk},
    "recruitment:hr_formation_create": lambda d: {"pk": d.period.pk},
    "recruitment:hr_formations_from_proposal": lambda d: {"pk": d.period.pk},
    "recruitment:hr_formation_edit": lambda d: {"pk": d.formation.pk},
    "recruitment:hr_formation_publish": lambda d: {"pk": d.formation.pk},
    "recruitment:hr_application_list": lambda d: {"pk": d.formation.pk},
    "recruitment:hr_application_export": lambda d: {"pk": d.formation.pk},
}

# Known bugs: (url name, persona) -> what is wrong. The expectation in EXPECT stays the correct
# one; the case is an xfail(strict=True), so fixing the bug makes the test fail until the entry
# is removed here.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


# --- the URL patterns ---------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str | None  # full namespaced name
    route: str  # the pattern text, for messages
    takes_arguments: bool


def _walk(resolver, prefix="", namespace=None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            regex = pattern.pattern.regex
            yield Route(name, prefix + str(pattern.pattern), bool(regex.groups))


def _is_third_party(route: Route) -> bool:
    """Django's admin and allauth's views are not ours; they are checked on their own below."""
    name = route.name or ""
    return (
        name.startswith("admin:")
        or route.route.startswith("admin/")
        or name.startswith(("account_", "socialaccount_"))
    )


def project_routes() -> list[Route]:
    return [route for route in _walk(get_resolver()) if not _is_third_party(route)]


def _matrix_params():
    params = []
    for route in project_routes():
        if route.name not in EXPECT:
            # One failing case per unknown URL, so the message is seen once, not per persona.
            params.append(pytest.param(route.name, None, id=f"{route.name}-MISSING"))
            continue
        for persona in PERSONAS:
            marks = []
            if (route.name, persona) in KNOWN_BUGS:
                marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[route.name, persona])]
            params.append(
                pytest.param(route.name, persona, marks=marks, id=f"{route.name}-{persona}")
            )
    return params


# --- the demo data, once for the module ---------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo seed plus one draft formation proposal, committed to nothing: the module runs in
    one outer transaction, rolled back at the end, and every test in a savepoint inside it."""
    private = tmp_path_factory.mktemp("private")
    storages = {
        **django_settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(private), "base_url": None},
        },
    }
    with django_db_blocker.unblock(), override_settings(STORAGES=storages):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            assert default_storage.location == str(private)  # the demo's files stay out of var/
            data = _seed()
            # Run PostgreSQL's deferred foreign-key checks now, at the top level: left pending,
            # they would run again at every test's teardown (TestCase checks constraints in the
            # test's savepoint, and rolling that back re-queues them).
            connection.check_constraints()
            yield data
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _seed() -> SimpleNamespace:
    from rakumpit_asn import demo as demo_data
    from recruitment.models import Application
    from workforce.models import PlanningYear
    from workforce.services.proposals import proposal_create

    users = demo_data.seed()["users"]
    application = Application.objects.select_related("period", "formation__position__unit").get(
        applicant=users["applicant"]
    )
    assert application.status == Application.Status.SUBMITTED
    assert Application.objects.get(applicant=users["applicant2"]).status == "draft"
    formation = application.formation
    proposal = proposal_create(
        planning_year=PlanningYear.objects.get(year=application.period.year),
        title="Usulan formasi uji matriks",
        items=[(formation.position, "PNS", 1, "Kekurangan tenaga di puskesmas.")],
        user=users["hr"],
    )
    personal_data = {
        key: [
            users[key].email,
            users[key].full_name,
            users[key].applicant_profile.nik,
            users[key].applicant_profile.kk_number,
            users[key].applicant_profile.phone,
        ]
        for key in ("applicant", "applicant2")
    }
    sessions = {}
    for key, user in users.items():
        login = Client()
        login.force_login(user)
        sessions[key] = login.cookies[django_settings.SESSION_COOKIE_NAME].value
    return SimpleNamespace(
        users=users,
        sessions=sessions,
        personal_data=personal_data,
        application=application,
        document=application.documents.select_related("requirement")
        .filter(is_current=True)
        .order_by("pk")
        .first(),
        formation=formation,
        period=application.period,
        position=formation.position,
        unit=formation.position.unit,
        year=application.period.year,
        proposal=proposal,
    )


# A new Client builds the middleware chain again, and WhiteNoise's middleware scans every static
# file when it is built (a third of a second): the clients of this module share their handlers.
_HANDLERS = {}


def _client(demo, persona, *, enforce_csrf_checks=False) -> Client:
    """A client signed in as the persona, with the session made once for the module."""
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.handler = _HANDLERS.setdefault(enforce_csrf_checks, client.handler)
    if persona != "anonymous":
        client.cookies[django_settings.SESSION_COOKIE_NAME] = demo.sessions[persona]
    return client


def _url(name, demo) -> str:
    if name in KWARGS:
        return reverse(name, kwargs=KWARGS[name](demo))
    try:
        return reverse(name)
    except NoReverseMatch:
        pytest.fail(f"add an entry for {name} to KWARGS and EXPECT")


def _describe(response) -> str:
    location = response.get("Location", "")
    kind = response.get("Content-Type", "")
    return f"{response.status_code} {location or kind}"


def assert_outcome(response, expected, url):
    got = _describe(response)
    if expected == "login":
        assert response.status_code == 302, f"{url}: expected a login redirect, got {got}"
        assert response["Location"].startswith(f"{reverse('account_login')}?next="), got
    elif expected in SERVED:
        assert response.status_code == 200, f"{url}: expected {expected}, got {got}"
        content_type = CONTENT_TYPES[expected]
        if content_type:
            assert response["Content-Type"].startswith(content_type), f"{url}: got {got}"
        else:
            assert response["Content-Disposition"].startswith("attachment"), f"{url}: {got}"
    else:
        assert response.status_code == expected, f"{url}: expected {expected}, got {got}"


# --- the tables stay complete -------------------------------------------------------------


def test_it_has_a_matrix_entry_for_every_url_of_ours():
    routes = project_routes()
    unnamed = [route.route for route in routes if not route.name]
    assert not unnamed, f"give these URL patterns a name (and a matrix entry): {unnamed}"
    names = {route.name for route in routes}
    missing = sorted(
        route.name
        for route in routes
        if route.name not in EXPECT or (route.takes_arguments and route.name not in KWARGS)
    )
    assert not missing, "".join(
        f"\nadd an entry for {name} to KWARGS and EXPECT" for name in missing
    )
    stale = sorted((set(EXPECT) | set(KWARGS)) - names)
    assert not stale, f"these entries name no URL any more, remove them: {stale}"
    incomplete = sorted(name for name, row in EXPECT.items() if set(row) != set(PERSONAS))
    assert not incomplete, f"these EXPECT rows do not list every persona: {incomplete}"


# --- the matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "persona"), _matrix_params())
def test_it_answers_each_persona_as_the_house_rules_say(demo, name, persona):
    route = next(route for route in project_routes() if route.name == name)
    if persona is None or (route.takes_arguments and name not in KWARGS):
        pytest.fail(f"add an entry for {name} ({route.route}) to KWARGS and EXPECT")
    url = _url(name, demo)
    response = _client(demo, persona).get(url)
    assert_outcome(response, EXPECT[name][persona], url)
    if EXPECT[name][persona] == 200 and persona not in ("hr", "admin"):
        body = response.content.decode()
        for owner, secrets in demo.personal_data.items():
            leaked = [secret for secret in secrets if owner != persona and secret in body]
            assert not leaked, f"{url} shows {persona} the personal data of {owner}: {leaked}"


# --- CSRF ---------------------------------------------------------------------------------


def csrf_refused(request, reason=""):
    """Stands in for CSRF_FAILURE_VIEW, so a 403 is known to come from the CSRF check and not
    from a role check."""
    response = HttpResponseForbidden("csrf")
    response["X-Test-Csrf-Refused"] = reason or "yes"
    return response


POST_PREFERENCE = ("applicant", "hr", "admin", *PERSONAS)


def _poster(row) -> str | None:
    """Someone the access checks let through, preferably the owner, else HR, else the admin."""
    return next((p for p in POST_PREFERENCE if row.get(p) in REACHED), None)


@pytest.mark.parametrize(
    "name", sorted(name for name, row in EXPECT.items() if _poster(row) is not None)
)
def test_it_refuses_a_post_without_a_csrf_token(demo, settings, name):
    """Every URL the access checks let a persona through: the POST-only actions (405 on GET),
    the form pages and the read-only pages alike, including views that are csrf_exempt and
    check the token themselves (document_upload)."""
    settings.CSRF_FAILURE_VIEW = f"{__name__}.csrf_refused"
    persona = _poster(EXPECT[name])
    client = _client(demo, persona, enforce_csrf_checks=True)
    client.get(reverse("home"))  # a real browser has the CSRF cookie; only the token is missing
    assert django_settings.CSRF_COOKIE_NAME in client.cookies
    url = _url(name, demo)
    response = client.post(url, {"confirm": "on", "published": "1", "language": "en"})
    assert response.status_code == 403, f"POST {url} as {persona}: {_describe(response)}"
    assert response.get("X-Test-Csrf-Refused") == REASON_CSRF_TOKEN_MISSING, (
        f"POST {url}: the 403 is not the CSRF check's"
    )


# --- redirects after a form ---------------------------------------------------------------


def _profile_post(demo, persona, next_url):
    from recruitment.forms_applicant import ApplicantProfileForm

    form = ApplicantProfileForm(instance=demo.users[persona].applicant_profile)
    data = {}
    for field in form.fields:
        value = form[field].value()
        data[field] = value.isoformat() if hasattr(value, "isoformat") else value
    url = f"{reverse('recruitment:profile')}?{urlencode({'next': next_url})}"
    return _client(demo, persona).post(url, data)


def test_it_follows_a_local_next_after_saving_the_applicant_profile(demo):
    next_url = reverse("recruitment:vacancy_list")
    response = _profile_post(demo, "applicant2", next_url)  # her application is a draft
    assert response.status_code == 302, _describe(response)
    assert response["Location"] == next_url


def test_it_does_not_send_the_applicant_off_site_after_saving_the_profile(demo):
    response = _profile_post(demo, "applicant2", "https://evil.example/phish")
    assert response.status_code == 302, _describe(response)
    assert url_has_allowed_host_and_scheme(
        response["Location"], allowed_hosts={"testserver"}, require_https=False
    ), f"sent to {response['Location']}"


# --- security headers ---------------------------------------------------------------------


def _viewer(row) -> str | None:
    return next((p for p in POST_PREFERENCE if row.get(p) in SERVED), None)


def _csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


@pytest.mark.parametrize(
    "name", sorted(name for name, row in EXPECT.items() if _viewer(row) is not None)
)
def test_it_sends_the_security_headers(demo, name):
    persona = _viewer(EXPECT[name])
    url = _url(name, demo)
    response = _client(demo, persona).get(url)
    assert_outcome(response, EXPECT[name][persona], url)
    assert "Content-Security-Policy" in response, url
    directives = _csp_directives(response["Content-Security-Policy"])
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts is not None, f"{url}: the CSP does not limit scripts"
    assert "'unsafe-inline'" not in scripts, f"{url}: script-src allows inline scripts"
    assert directives.get("frame-ancestors") == ["'none'"], url
    assert response["X-Frame-Options"] == "DENY", url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response.get("Referrer-Policy"), url


def test_it_sends_hsts_over_https_when_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = False
    secure = client.get(reverse("home"), secure=True)
    assert secure.status_code == 200
    assert re.match(r"max-age=31536000\b", secure["Strict-Transport-Security"])
    assert "includeSubDomains" in secure["Strict-Transport-Security"]
    # Browsers ignore HSTS over plain HTTP, and Django does not send it there.
    assert "Strict-Transport-Security" not in client.get(reverse("home"))


# --- allauth's pages (not ours, but on our site) ------------------------------------------

ALLAUTH = {
    "account_login": {"anonymous": 200},
    "account_signup": {"anonymous": 200},
    "account_reset_password": {"anonymous": 200, "applicant": 200},
    "account_email": {"anonymous": "login", "applicant": 200},
    "account_change_password": {"anonymous": "login", "applicant": 200},
    "account_logout": {"anonymous": 302, "applicant": 200},
}


@pytest.mark.parametrize(
    ("name", "persona"),
    [(name, persona) for name, row in ALLAUTH.items() for persona in row],
)
def test_it_guards_the_account_pages(demo, name, persona):
    url = reverse(name)
    response = _client(demo, persona).get(url)
    assert_outcome(response, ALLAUTH[name][persona], url)
    if response.status_code == 200:
        assert response["X-Frame-Options"] == "DENY"
        assert "Content-Security-Policy" in response


# --- Django admin -------------------------------------------------------------------------

HR_CHANGELISTS = (
    "admin:workforce_employee_changelist",
    "admin:workforce_unit_changelist",
    "admin:workforce_formationproposal_changelist",
    "admin:recruitment_selectionperiod_changelist",
    "admin:recruitment_application_changelist",
)


@pytest.mark.parametrize(
    "persona", ["anonymous", "applicant", "resident", "employee", "supervisor"]
)
def test_it_sends_non_staff_to_the_admin_login(demo, persona):
    response = _client(demo, persona).get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('admin:login')}?next=")


@pytest.mark.parametrize("persona", ["hr", "moderator", "admin"])
def test_it_opens_the_admin_to_back_office_roles(demo, persona):
    assert _client(demo, persona).get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("changelist", HR_CHANGELISTS)
@pytest.mark.parametrize(("persona", "expected"), [("hr", 200), ("moderator", 403), ("admin", 200)])
def test_it_opens_the_workforce_and_recruitment_admin_to_hr_only(
    demo, changelist, persona, expected
):
    response = _client(demo, persona).get(reverse(changelist))
    assert response.status_code == expected, f"{changelist} as {persona}: {_describe(response)}"
