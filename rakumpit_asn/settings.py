"""Settings for the Rakumpit ASN Portal: one module, driven by the environment.

Every variable is listed in `.env.example` and in the README. Bad values stop the start with a
clear message (see `rakumpit_asn/env.py`).
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from rakumpit_asn.env import (
    env_bool,
    env_db,
    env_email,
    env_float,
    env_int,
    env_list,
    env_redis_url,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

# A local .env (copied from .env.example by `make run`/`make test`) fills in what the real
# environment does not set; the real environment always wins.
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"  # noqa: S105
elif not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

VAR_DIR = Path(env_str("VAR_DIR") or BASE_DIR / "var")
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT") or VAR_DIR / "private")
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
if PRIVATE_MEDIA_ROOT.resolve().is_relative_to(STATIC_ROOT.resolve()):
    raise ImproperlyConfigured("PRIVATE_MEDIA_ROOT must not lie inside STATIC_ROOT.")

# Applications -------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_celery_beat",
    "import_export",
    "csp",
    "auditlog",
    "phonenumber_field",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    # ours, in dependency order: the kernel, the apps, the wiring (its management commands)
    "core",
    "accounts",
    "notifications",
    "workforce",
    "recruitment",
    "training",
    "performance",
    "forums",
    "privacy",
    "opendata",
    "rakumpit_asn",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The audit trail's actor and address (auditlog's middleware, see rakumpit_asn/audit.py).
    "core.audit.AuditMiddleware",
    "accounts.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff (HR, verifiers, moderators, administrators) must sign in with TOTP first.
    "accounts.middleware.StaffTwoFactorMiddleware",
    # axes must be last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rakumpit_asn.urls"
WSGI_APPLICATION = "rakumpit_asn.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.navigation.navigation",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# Data ---------------------------------------------------------------------------------------
DATABASES = {"default": env_db("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
_db = DATABASES["default"]
if _db["ENGINE"].endswith("sqlite3") and _db["NAME"] != ":memory:":
    Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 0, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if _db["ENGINE"].endswith("postgresql"):
    # PostgreSQL's JIT compiles the plan of any query it estimates as expensive: hundreds of
    # milliseconds spent on the dashboards' short queries (bench/results/load.md). Off for a web
    # application's short queries.
    _db.setdefault("OPTIONS", {})
    _db["OPTIONS"]["options"] = " ".join(
        filter(None, [_db["OPTIONS"].get("options", ""), "-c jit=off"])
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_redis_url("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "rakumpit",
            "TIMEOUT": 300,
            # A Redis that does not answer costs at most this long once, then the circuit
            # breaker answers every cache call as a miss for CACHE_RETRY_SECONDS (core/redis.py).
            "OPTIONS": {
                "socket_connect_timeout": env_float("CACHE_CONNECT_TIMEOUT", 0.25),
                "socket_timeout": env_float("CACHE_SOCKET_TIMEOUT", 0.5),
            },
        }
    }
    # Sessions read from the shared cache, written through to the database: one query less on
    # every signed-in page. Only with a shared cache: a per-process one would keep a signed-out
    # session alive in the other processes.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# How long the cache is left alone after a Redis error before it is tried again (core/redis.py).
CACHE_RETRY_SECONDS = env_int("CACHE_RETRY_SECONDS", 5, minimum=1)

# The public pages anonymous visitors read most are served from the cache for at most this
# long, and at once afresh after a change (rakumpit_asn/pagecache.py); heavy results several
# pages share (the needs map's rows) are kept under the same invalidation. The invalidation
# must reach every process: without a shared cache (Redis) both are off unless set.
_shared_cache = bool(REDIS_URL)
PUBLIC_PAGE_CACHE_SECONDS = env_int(
    "PUBLIC_PAGE_CACHE_SECONDS", 60 if _shared_cache else 0, minimum=0
)
COMPUTED_CACHE_SECONDS = env_int("COMPUTED_CACHE_SECONDS", 300 if _shared_cache else 0, minimum=0)
# The counts a finalisation changes on the public pages ("N registered") move them on at most
# once in this many seconds: at a registration deadline, when finalisations come every second,
# the public pages would otherwise never be served from the cache (core.pagecache.counts_lag).
# 0: at once, like every other change.
PUBLIC_COUNTS_LAG_SECONDS = env_int("PUBLIC_COUNTS_LAG_SECONDS", 5, minimum=0)

STORAGES = {
    # Every upload is private: stored outside any served folder, read only through views that
    # check who is asking.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Static files: our own in static/, never from a CDN. The front-end packages installed by npm
# (package.json, package-lock.json) reach it through `make css`, which builds Bootstrap's CSS
# from its Sass sources and copies htmx into static/build/ (built, never committed). WhiteNoise
# serves each file brotli- or gzip-compressed (brotli: the `brotli` package, pyproject.toml).
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365 if not DEBUG else 0

# Accounts and security ------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Portal ASN Rakumpit] "
ACCOUNT_RATE_LIMITS = {
    "signup": env_str("SIGNUP_RATE_LIMIT") or "5/m/ip,30/h/ip",
    # django-axes locks an account out from one address after 5 failures (with its own page);
    # allauth's per-account limit, above axes', stops guessing from many addresses.
    "login_failed": "30/m/ip,10/15m/key",
    "reset_password": "5/m/ip,3/m/key",
    "confirm_email": "1/3m/key",
}

# Two-factor sign-in (allauth.mfa): an authenticator app (TOTP) with recovery codes, no security
# keys. Staff roles must use it (accounts.middleware.StaffTwoFactorMiddleware); anyone may.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Portal ASN Rakumpit"
MFA_TOTP_PERIOD = 30
MFA_TOTP_DIGITS = 6
MFA_RECOVERY_CODE_COUNT = 10
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TRUST_ENABLED = False
# TOTP secrets and recovery seeds are stored encrypted (Fernet) under this key, or under one
# derived from SECRET_KEY when it is unset. Changing it means staff set up their app again.
MFA_ADAPTER = "accounts.mfa.RakumpitMFAAdapter"
MFA_ENCRYPTION_KEY = env_str("MFA_ENCRYPTION_KEY")
# allauth e-mails the account holder when the password or the two-factor setup changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.security.axes_username"
AXES_CLIENT_IP_CALLABLE = "core.http.client_ip"
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # A Prometheus on this machine scrapes http://127.0.0.1:PORT/metrics directly (no TLS
    # proxy in between; add 127.0.0.1 to ALLOWED_HOSTS): docs/operations/observability.md.
    SECURE_REDIRECT_EXEMPT = [r"^metrics$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and X-Forwarded-For).
    if BEHIND_TLS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Internationalisation: Bahasa Indonesia first, English second -------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True

# Forms --------------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail -------------------------------------------------------------------------------------
vars().update(env_email("EMAIL_URL", "consolemail://"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "Portal ASN Rakumpit <noreply@rakumpit.go.id>"
# Where the portal is served, for links that leave the browser (e-mails, cards, certificates).
# `make run` sets it to its own HOST and PORT unless the environment or .env sets it.
SITE_URL = env_str("SITE_URL") or "http://127.0.0.1:8000"
if urlsplit(SITE_URL).scheme not in ("http", "https") or not urlsplit(SITE_URL).netloc:
    raise ImproperlyConfigured(
        f"SITE_URL={SITE_URL!r} must be an http:// or https:// address, e.g. "
        "https://portal.rakumpit.go.id."
    )
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery -------------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
if CELERY_BROKER_URL and not CELERY_BROKER_URL.startswith(
    ("redis://", "rediss://", "amqp://", "amqps://")
):
    raise ImproperlyConfigured("CELERY_BROKER_URL must be a redis:// or amqp:// URL.")
# Without a broker (the embedded default) tasks run in-process, synchronously.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
# visibility_timeout: longer than any task's time limit, so Redis does not hand a running task to
# a second worker (what a worker killed outright held comes back after it; the outbox and the
# quarter-hourly jobs do not wait for that: core/outbox.py). socket_connect_timeout: a broker
# that is gone costs a request this long once, then the outbox's circuit breaker skips it for
# BROKER_RETRY_SECONDS and the task waits in PostgreSQL.
BROKER_CONNECT_TIMEOUT = env_float("BROKER_CONNECT_TIMEOUT", 0.5)
BROKER_RETRY_SECONDS = env_int("BROKER_RETRY_SECONDS", 5, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 60 * 60,
    "socket_connect_timeout": BROKER_CONNECT_TIMEOUT,
}
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_CONNECT_TIMEOUT
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# SMS and WhatsApp (notifications/, core/channels.py), set per channel like EMAIL_BACKEND:
# SMS_BACKEND / WHATSAPP_BACKEND is "http" (the signed JSON gateway contract in the README),
# "console", "file" (JSON lines in var/messages/), "locmem" (tests), a dotted path, or "off".
# Default: "console" with DEBUG on (make run prints each message, e.g. a phone code), off in
# production until a gateway is configured (the channel is then not offered to anyone).
_CHANNEL_BACKENDS = {
    "http": "core.channels.HttpGatewayBackend",
    "console": "core.channels.ConsoleBackend",
    "file": "core.channels.FileBackend",
    "locmem": "core.channels.LocmemBackend",
}
NOTIFICATION_CHANNELS = {}
for _channel in ("sms", "whatsapp"):
    _prefix = _channel.upper()
    _backend = env_str(f"{_prefix}_BACKEND") or ("console" if DEBUG else "off")
    if _backend != "off":
        NOTIFICATION_CHANNELS[_channel] = {
            "BACKEND": _CHANNEL_BACKENDS.get(_backend, _backend),
            "OPTIONS": {
                "url": env_str(f"{_prefix}_GATEWAY_URL"),
                "secret": env_str(f"{_prefix}_GATEWAY_SECRET"),
                "timeout": env_float(f"{_prefix}_GATEWAY_TIMEOUT", 10.0),
                # Messages per second from the delivery worker (the gateway's own limit).
                "per_second": env_float(f"{_prefix}_PER_SECOND", 20.0),
            },
        }
    if _backend == "http" and not (
        env_str(f"{_prefix}_GATEWAY_URL") and env_str(f"{_prefix}_GATEWAY_SECRET")
    ):
        raise ImproperlyConfigured(
            f"{_prefix}_BACKEND=http needs {_prefix}_GATEWAY_URL and {_prefix}_GATEWAY_SECRET."
        )

# The outbox (core/outbox.py): e-mail sent one message at a time with a claim committed first.
# A message left "being sent" by a dead worker is sent again after OUTBOX_SENDING_STALE_SECONDS,
# which must stay above EMAIL_TIMEOUT (a slow mail server must not make a live send look dead).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
OUTBOX_SENDING_STALE_SECONDS = env_int("OUTBOX_SENDING_STALE_SECONDS", 300, minimum=1)
OUTBOX_RELAY_AFTER_SECONDS = env_int("OUTBOX_RELAY_AFTER_SECONDS", 60, minimum=1)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8, minimum=1)
OUTBOX_BATCH = env_int("OUTBOX_BATCH", 500, minimum=1)
# Time budgets of a delivery run: the outbox job (its task's soft limit is 300 s) and the sending
# right after a task queued its messages (those tasks' soft limits are 60 s and more). A run
# stops claiming at its budget, so a time limit never interrupts a send.
OUTBOX_RUN_SECONDS = env_int("OUTBOX_RUN_SECONDS", 120, minimum=1)
OUTBOX_SEND_SECONDS = env_int("OUTBOX_SEND_SECONDS", 20, minimum=1)
# The longest one send may take, whatever the channel: the limits below must leave room for it.
# (The console, file and locmem backends make no network call: their timeout does not apply.)
_LOCAL_BACKENDS = {_CHANNEL_BACKENDS[name] for name in ("console", "file", "locmem")}
SEND_TIMEOUT = max(
    [EMAIL_TIMEOUT]
    + [
        int(c["OPTIONS"]["timeout"]) + 1
        for c in NOTIFICATION_CHANNELS.values()
        if c["BACKEND"] not in _LOCAL_BACKENDS
    ]
)
if OUTBOX_RUN_SECONDS + SEND_TIMEOUT >= 300 or OUTBOX_SEND_SECONDS + SEND_TIMEOUT >= 60:
    raise ImproperlyConfigured(
        "OUTBOX_RUN_SECONDS plus the longest send timeout (EMAIL_TIMEOUT, *_GATEWAY_TIMEOUT) must "
        "stay under 300 s and OUTBOX_SEND_SECONDS plus it under 60 s (the time limits of the "
        "tasks that send)."
    )
OUTBOX_KEEP_SENT_DAYS = env_int("OUTBOX_KEEP_SENT_DAYS", 30, minimum=1)
if OUTBOX_SENDING_STALE_SECONDS <= SEND_TIMEOUT:
    raise ImproperlyConfigured(
        "OUTBOX_SENDING_STALE_SECONDS must be longer than EMAIL_TIMEOUT and every "
        "*_GATEWAY_TIMEOUT (a slow send must not look like a dead worker's)."
    )

# Health checks look at these services only when they are configured.
HEALTHZ_TIMEOUT_SECONDS = env_int("HEALTHZ_TIMEOUT_SECONDS", 3, minimum=1)

# Personal data (UU 27/2022 PDP) -------------------------------------------------------------
# The version of the privacy notice people consent to; change it when the notice changes, so
# consents given to an older text no longer count as current.
PRIVACY_NOTICE_VERSION = env_str("PRIVACY_NOTICE_VERSION") or "2026-11"
# Days after a selection period's final announcement before the documents and identity data of
# applicants who were not hired are deleted (recruitment/personal_data.py).
RETENTION_APPLICANT_DAYS = env_int("RETENTION_APPLICANT_DAYS", 730, minimum=1)
# Hours HR has to answer a data-subject request (UU PDP: 3 x 24 hours).
RETENTION_REQUEST_DEADLINE_HOURS = env_int("RETENTION_REQUEST_DEADLINE_HOURS", 72, minimum=1)

# Audit trail (django-auditlog): every create, update and delete of personal and decision data,
# with who, when and what changed; downloads of personal files add an "access" entry. Each app
# registers its audited models, their masks and their data-subject paths in its own ready()
# (core.audit.register). NIK, KK and NIP are masked in the log (last 4 digits kept); names,
# addresses, phones and birth data are masked whole; any 15+ digit number in any logged text is
# masked as well, and deletion requests and the retention job blank the earlier entries of what
# they delete (core.audit.audit_forget). QuerySet.update() and bulk_create() bypass the trail; the
# bulk recruitment stage changes are in recruitment.Decision.
# Entries keep the changed fields only: no model sets "serialize_data", because a serialised
# copy of the whole record would hold the full NIK. Related records are logged by id (not by
# their names), and the client address is kept as evidence for an incident.
AUDITLOG_DISABLE_REMOTE_ADDR = False
AUDITLOG_USE_FK_STRING_REPRESENTATION = False

# Demo data refuses to run in production unless forced.
DEMO_PASSWORD = "Rakumpit-demo-2026"  # noqa: S105 - documented public demo password
DEMO_EMAIL_DOMAIN = "demo.rakumpit.go.id"

# Logging ------------------------------------------------------------------------------------
# Operations (issue 22, docs/operations/observability.md): every line carries the request id
# (django-guid, below); LOG_FORMAT=json writes one JSON object a line (the default with DEBUG
# off, for a log shipper), LOG_FORMAT=plain a line for a person (the default with DEBUG on).
LOG_FORMAT = env_str("LOG_FORMAT") or ("plain" if DEBUG else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        "json": {"()": "core.logs.JsonLineFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "INFO"},
    "loggers": {
        # Django's default config gives "django" a console handler of its own (with DEBUG on):
        # its lines would come twice, once without the request id; they go to the root's.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-guid says "no header, generated one" at INFO on every request; keep its warnings
        # (an invalid X-Request-ID replaced).
        "django_guid": {"level": "WARNING"},
    },
}

# Text that cannot spoof (issue 22): free-text form fields get dir="auto" (core/forms.py);
# templates isolate people's text with the |bdi filter (core/templatetags/bidi.py).
FORM_RENDERER = "core.forms.PortalFormRenderer"

# Operations: request ids, error reporting, metrics -----------------------------------------
# (issue 22; docs/operations/observability.md says how to turn each on and what it shows.)
#
# Request ids (django-guid): first middleware, so every line of a request carries the id, even
# those of the security redirect. An incoming X-Request-ID is kept only when it is a UUID (with
# or without hyphens: nginx's $request_id is 32 hex digits); anything else is replaced. The id is
# echoed in the response and travels to the Celery tasks the request starts (and from them to
# the tasks they start); a task started by beat gets its own.
from django_guid.integrations import CeleryIntegration  # noqa: E402

INSTALLED_APPS += ["django_guid", "django_prometheus"]
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": False,
    # use_django_logging: the worker logs through LOGGING above (JSON, with the id) instead of
    # Celery's own format.
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True)],
}
# Metrics (django-prometheus; /metrics, core/metrics.py): the "before" middleware starts the
# clock first, the "after" one counts the response the view gave. axes stays last (it turns a
# lockout into the lockout page).
_AXES = MIDDLEWARE.index("axes.middleware.AxesMiddleware")
MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    *MIDDLEWARE[:_AXES],
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    *MIDDLEWARE[_AXES:],
]
# Migrations applied/unapplied would be read from the database at every start: not needed.
PROMETHEUS_EXPORT_MIGRATIONS = False
# Error reporting (sentry-sdk), off unless SENTRY_DSN is set: no client, no network. Events
# carry no personal data: no cookies, request bodies, user ids or e-mail addresses (core/sentry.py).
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    from core.sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT") or ("development" if DEBUG else "production"),
        traces_sample_rate=env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0),
    )

# Import/export ------------------------------------------------------------------------------
# django-import-export (the employee register's Excel/CSV import in the admin): the whole file is
# checked first, writing nothing, so a file with one bad row applies nothing; then it is written
# one transaction per batch (workforce/resources.py); imports are logged in the admin.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Uploaded files waiting for confirmation hold personal data: keep them in the private storage
# (not the system's temp folder); the library deletes them after the import, workforce's
# delete_unconfirmed_imports those never confirmed, and backups leave them out.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
# Limits of both file imports (scores, employee register), checked while the file is read
# (core/tablefiles.py): the upload, what an .xlsx unpacks to, the register's rows, the rows the
# register import writes per transaction, and how long an unconfirmed upload is kept.
IMPORT_MAX_FILE_BYTES = env_int("IMPORT_MAX_FILE_MB", 10, minimum=1) * 1024 * 1024
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_MB", 50, minimum=1) * 1024 * 1024
EMPLOYEE_IMPORT_MAX_ROWS = env_int("EMPLOYEE_IMPORT_MAX_ROWS", 10_000, minimum=1)
EMPLOYEE_IMPORT_BATCH_ROWS = env_int("EMPLOYEE_IMPORT_BATCH_ROWS", 500, minimum=1)
# A confirmed employee file with more rows is written by a Celery task (workforce.tasks.
# import_employees) while the admin shows its progress; a shorter one is written at once.
EMPLOYEE_IMPORT_BACKGROUND_ROWS = env_int("EMPLOYEE_IMPORT_BACKGROUND_ROWS", 1000, minimum=0)
IMPORT_UPLOAD_MAX_AGE_HOURS = env_int("IMPORT_UPLOAD_MAX_AGE_HOURS", 24, minimum=1)

# Open data (opendata/, docs/opendata.md) ----------------------------------------------------
# The public API (/api/v1/) and the datasets (/data/): read-only, anonymous, JSON (problem+json
# for errors, RFC 9457), rate-limited per address, open to other origins for GET.
OPEN_DATA_MIN_CELL = env_int("OPEN_DATA_MIN_CELL", 5, minimum=1)
# Requests per minute an address may make to the API and the downloads (429 with Retry-After).
OPEN_DATA_RATE_PER_MINUTE = env_int("OPEN_DATA_RATE_PER_MINUTE", 120, minimum=1)
OPEN_DATA_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": ["opendata.policies.AddressRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "opendata.policies.problem_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": _("Rakumpit ASN Portal – open data API"),
    "DESCRIPTION": _(
        "Public figures of Kecamatan Rakumpit's civil-service portal: selection periods and "
        "formations, anonymised results, staffing gaps, training compliance, IKM and forum "
        "accountability. No personal data: counts of fewer than five persons are left out "
        "(null, with suppressed true). Licence CC BY 4.0. Read-only (GET); lists are paged "
        "(page, page_size up to 1000); errors are RFC 9457 problem+json; each answer has an "
        "ETag for conditional GETs; 120 requests a minute per address. Add lang=en for "
        "English names."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "LICENSE": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    "COMPONENT_SPLIT_REQUEST": False,
    "DISABLE_ERRORS_AND_WARNINGS": True,
}
# CORS (django-cors-headers): any origin may read the API and the datasets, nothing else.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/(api/v1|data)/.*$"
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ("ETag", "Last-Modified", "Retry-After", "Link")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware"),
    "corsheaders.middleware.CorsMiddleware",
)
