"""Hub Diary settings: one module, driven by environment variables.

HUBDIARY_ENV=production demands the production variables and turns on every transport
protection; the default (development) runs the embedded demo on SQLite with no Redis.
"""

import logging
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_optional, env_str
from config.logs import configure_structlog, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

ENVIRONMENT = env_str("HUBDIARY_ENV", "development")
if ENVIRONMENT not in {"production", "development"}:
    raise ValueError("HUBDIARY_ENV must be 'production' or 'development'.")
PRODUCTION = ENVIRONMENT == "production"

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        env_str("ALLOWED_HOSTS")  # raises with a sentence saying what to set
else:
    SECRET_KEY = env_str(
        "SECRET_KEY", "development-only-key-never-used-in-production-4f9c2a7e1b8d3c6a5e0f"
    )
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

DEBUG = env_bool("DEBUG", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "csp",
    "django_structlog",
    "django_prometheus",
    "core",
    "governance",
    "practices",
    "patients",
    "booking",
    "writeback",
    "caretracker",
    "carediary",
    "notifications",
    "organisation",
    "patient_record",
    "online",
    "gpconnect_facade",
    "reports",
    "frontend",
    "demo",
]

MIDDLEWARE = [
    # Request counts and latency for /metrics (django-prometheus): first and last.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "governance.middleware.RequestIdMiddleware",
    # Every log line of the request carries its id (config/request_logs.py).
    "config.request_logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's sessions, with the patient area's in a cookie of its own.
    "online.middleware.PartitionedSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After each write, its user's searches wait for the replica to replay it.
    "core.replica.RememberWritesMiddleware",
    # The patient signed in online, and the wall between patients and staff pages.
    "online.middleware.PatientAreaMiddleware",
    # Patient data is never cached: every response to a signed-in user is no-store.
    "governance.middleware.NoStoreForSignedInMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "governance.middleware.SessionLifetimeMiddleware",
    "practices.middleware.ActingOrganisationMiddleware",
    # ...and, from here on, the acting organisation's ODS code.
    "config.request_logs.ActingOrganisationLogMiddleware",
    # After the acting organisation: it needs to know whether the user is staff.
    "governance.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.NotFoundMiddleware",
    # Last, as django-axes requires (and django-prometheus's partner after it).
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# Forms render through TEMPLATES, so our NHS.UK field templates apply to every form.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: PostgreSQL in production and tests, an embedded SQLite file for the demo.
if not PRODUCTION:
    VAR_DIR.mkdir(exist_ok=True)  # the embedded demo's database and queue live here

# Each web or worker process keeps its connections open between requests (CONN_MAX_AGE), or,
# with DATABASE_POOL, borrows them from psycopg's pool of DATABASE_POOL_MIN_SIZE to
# DATABASE_POOL_MAX_SIZE connections shared by its threads (a Celery worker's threads pool
# needs as many as its concurrency). Django refuses a pool beside persistent connections.
DATABASE_POOL = env_bool("DATABASE_POOL", False)
if DATABASE_POOL and env_int("DATABASE_CONN_MAX_AGE", 0):
    raise ImproperlyConfigured(
        "DATABASE_POOL keeps connections itself: unset DATABASE_CONN_MAX_AGE (or set it to 0)."
    )
_CONN_MAX_AGE = 0 if DATABASE_POOL else env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0)


def _database(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=_CONN_MAX_AGE, conn_health_checks=True)
    if not config["ENGINE"].endswith("postgresql"):
        return config
    # Django's own backend, its queries and connections counted for /metrics.
    config["ENGINE"] = "django_prometheus.db.backends.postgresql"
    options = config.setdefault("OPTIONS", {})
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        # Django leaves psycopg's prepared statements off. core.db.prepared_cursor prepares
        # the hot lookups by key, and only those: the ORM's cursors bind values on the
        # client and never prepare. Turn off behind PgBouncer in transaction mode, which
        # cannot hold them.
        options["prepare_threshold"] = 5
    if DATABASE_POOL:
        options["pool"] = {
            "min_size": env_int("DATABASE_POOL_MIN_SIZE", 2),
            "max_size": env_int("DATABASE_POOL_MAX_SIZE", 10),
            # How long a request waits for a free connection before failing.
            "timeout": env_int("DATABASE_POOL_TIMEOUT_SECONDS", 10),
        }
    return config


DATABASES = {
    "default": _database(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hubdiary.sqlite3'}")
        if not PRODUCTION
        else env_str("DATABASE_URL")
    )
}
# A streaming replica for search and reports (core.replica): reads that may be a moment
# behind. Everything else, and every read inside a transaction, goes to the primary; a user
# who has just written reads search from the primary until the replica has caught up.
DATABASE_REPLICA_URL = env_optional("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    # In tests the replica is the test database itself (tests start a real one when
    # they need it).
    DATABASES["replica"] = _database(DATABASE_REPLICA_URL) | {"TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
# How long a user who wrote is remembered, so that their search waits for the replica to
# replay their write (longer than the replica ever lags: past it, reads go to the replica).
DATABASE_REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 300)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Every read of patient data writes an audit event, so in SQLite's default deferred
    # transactions readers that start reading and then write fail at once with "database
    # is locked". Immediate transactions take the write lock first and wait their turn
    # (up to SQLITE_BUSY_SECONDS); the write-ahead log keeps plain reads out of the queue.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("SQLITE_BUSY_SECONDS", 20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
    # The search index's covering columns only matter on PostgreSQL; the demo needs none.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
    # The demo's worker delivers write-backs in threads: each transaction queues for the
    # file's one write lock as it begins, rather than failing when two try to take it.
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
AUTH_USER_MODEL = "governance.User"

CACHE_URL = env_str("CACHE_URL") if PRODUCTION else env_optional("CACHE_URL")
# django-redis rather than Django's own RedisCache: its incr is one step in Redis (Django's
# asks whether the key exists, then adds one), so a throttle's counter never outlives its
# window when the window ends between the two.
CACHES = {
    "default": (
        {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Authentication: Argon2 first; failed logins throttled per (username, address) pair so an
# attacker elsewhere cannot lock a real user out.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Staff two-factor authentication (TOTP app, single-use recovery codes): always on in
# production unless explicitly turned off; off in the demo so its logins stay one step.
STAFF_TWO_FACTOR_REQUIRED = env_bool("STAFF_TWO_FACTOR_REQUIRED", PRODUCTION)
OTP_TOTP_ISSUER = "Hub Diary"
# Wrong codes lock the device for 1, 2, 4, 8… seconds (django-otp's own back-off).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows secrets or recovery codes

# Sessions: staff sessions end after idle time and after an absolute lifetime.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_LIFETIME = timedelta(hours=env_int("SESSION_ABSOLUTE_HOURS", 12))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# The patient area (/patient/) keeps its session in a cookie of its own (online.middleware).
PATIENT_SESSION_COOKIE_NAME = "hubdiary_patient_session"

# Transport and browser protections.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_HSTS_SECONDS = 31_536_000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
if PRODUCTION:
    # The __Host- prefix pins the cookie to this host, HTTPS and path /.
    SESSION_COOKIE_NAME = "__Host-hubdiary_session"
    PATIENT_SESSION_COOKIE_NAME = "__Host-hubdiary_patient_session"
    CSRF_COOKIE_NAME = "__Host-hubdiary_csrf"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# A strict Content-Security-Policy: our own origin only, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "manifest-src": [SELF],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Celery: Redis in production and tests; a filesystem broker for the embedded demo.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://" if not PRODUCTION else None)
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery"
    for _folder in ("processed", "control"):
        (_queue_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
else:
    # Longer than any task can run, so a slow task is never delivered twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Write-back to practice systems (booking/tasks.py): attempts before a message is dead, the
# backoff between them, how long one delivery may hold its message before the sweep takes
# it back (longer than any delivery's timeouts add up to), and how often the sweep runs.
WRITE_BACK_MAX_ATTEMPTS = env_int("WRITE_BACK_MAX_ATTEMPTS", 12)
WRITE_BACK_RETRY_BASE_SECONDS = env_int("WRITE_BACK_RETRY_BASE_SECONDS", 5)
WRITE_BACK_RETRY_CAP_SECONDS = env_int("WRITE_BACK_RETRY_CAP_SECONDS", 1800)
WRITE_BACK_LEASE_SECONDS = env_int("WRITE_BACK_LEASE_SECONDS", 300)
WRITE_BACK_SWEEP_SECONDS = env_int("WRITE_BACK_SWEEP_SECONDS", 30)
# How long logging an attendance or contact lets the urgent-care service see the patient.
CONTACT_RELATIONSHIP_HOURS = env_int("CONTACT_RELATIONSHIP_HOURS", 24)
# Publishing to a broker that is down fails at once rather than retrying for seconds: a
# booking must not wait for Redis, and the sweep delivers what was not enqueued.
CELERY_BROKER_TRANSPORT_OPTIONS |= {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}

# Email and text messages to staff and patients (notifications/): GOV.UK Notify in
# production, the log in the demo; tests record what was sent. NOTIFY_TEMPLATE_IDS:
# "name=template-id,..." for each email template, "name:sms=template-id" for a text's.
NOTIFICATIONS_BACKEND = env_str(
    "NOTIFICATIONS_BACKEND",
    "notifications.backends.NotifyBackend"
    if PRODUCTION
    else "notifications.backends.ConsoleBackend",
)
NOTIFY_API_KEY = env_optional("NOTIFY_API_KEY")
# The bearer token GOV.UK Notify sends with delivery receipts (set in Notify's callback
# settings); unset, receipts are refused and `notifications.check_delivery` asks instead.
NOTIFY_CALLBACK_TOKEN = env_optional("NOTIFY_CALLBACK_TOKEN") or ""
NOTIFY_BASE_URL = env_str("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
# Where the site is reached from outside: links in email are made absolute with it.
SITE_URL = env_str("SITE_URL") if PRODUCTION else env_str("SITE_URL", "http://localhost:8000")
# NHS login (OpenID Connect) for patients online: the issuer, our client id and the private
# key our client authenticates with (private_key_jwt). Unset, patients sign in with a
# registration key only. The tests and the demo run a local provider (scripts/).
# Outside production the defaults are the demo's local provider (`manage.py run_demo`).
NHS_LOGIN_ISSUER = env_optional("NHS_LOGIN_ISSUER") or (
    "" if PRODUCTION else "http://127.0.0.1:8090"
)
NHS_LOGIN_CLIENT_ID = env_optional("NHS_LOGIN_CLIENT_ID") or (
    "" if PRODUCTION else "hub-diary-local"
)
NHS_LOGIN_PRIVATE_KEY_FILE = env_optional("NHS_LOGIN_PRIVATE_KEY_FILE") or (
    "" if PRODUCTION else str(VAR_DIR / "nhs-login-client.pem")
)
NHS_LOGIN_TIMEOUT_SECONDS = 10
# CIS2 (NHS Care Identity Service 2, OpenID Connect) for staff: signing in with a smartcard
# or another authenticator at assurance level 3, beside passwords with two-factor. Off unless
# CIS2_ENABLED; then the issuer, our client id and the private key our client authenticates
# with (private_key_jwt) must be set. The tests run a local provider (scripts/).
CIS2_ENABLED = env_bool("CIS2_ENABLED", False)
CIS2_ISSUER = env_str("CIS2_ISSUER") if CIS2_ENABLED else ""
CIS2_CLIENT_ID = env_str("CIS2_CLIENT_ID") if CIS2_ENABLED else ""
CIS2_PRIVATE_KEY_FILE = env_str("CIS2_PRIVATE_KEY_FILE") if CIS2_ENABLED else ""
CIS2_TIMEOUT_SECONDS = 10
# The hub's GP Connect endpoint (gpconnect_facade): Hub Diary's ASID on Spine, which
# consumers send as Ssp-To, and how long their audit JWTs may be in the future by our clock.
GPCONNECT_PROVIDER_ASID = env_optional("GPCONNECT_PROVIDER_ASID") or (
    "" if PRODUCTION else "200000000359"
)
NOTIFY_TEMPLATE_IDS = dict(
    pair.split("=", 1) for pair in env_list("NOTIFY_TEMPLATE_IDS", []) if "=" in pair
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.permissions.TwoFactorVerified",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Every API error as {"error": {"code", "message", "details"}} (api/errors.py).
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hub Diary API",
    "DESCRIPTION": (
        "Pooled extended-access appointments across GP practices. Systems authenticate with "
        "`Authorization: Token <key>` (`manage.py create_api_token --user NAME`). If you work "
        "for more than one organisation, name the one you act for in `X-Acting-Organisation`. "
        'Errors are `{"error": {"code", "message", "details"}}`; branch on `code`.'
    ),
    "VERSION": "1.0.0",
    # Choice sets shared by several fields, each named once.
    "ENUM_NAME_OVERRIDES": {
        "PractitionerRoleEnum": "practices.models.Clinician.JobRole",
        "BookingStatusEnum": "booking.models.Booking.Status",
        "SessionStatusEnum": "booking.models.Session.Status",
        "SlotStatusEnum": "booking.models.Slot.Status",
        "WriteBackStateEnum": "writeback.models.WriteBackMessage.State",
        "OrganisationKindEnum": "practices.models.Organisation.Kind",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI would otherwise send our schema to an online validator.
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": True},
}
# Requests a minute for each API token (0: no limit); browser sessions are not counted.
API_TOKEN_REQUESTS_PER_MINUTE = env_int("API_TOKEN_REQUESTS_PER_MINUTE", 6000)

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: anonymous visitors hold nothing

# Logs: one JSON object a line (LOG_FORMAT=json, the default unless DEBUG) or one readable
# line (console, as `make demo` runs), each with the request id and acting organisation, and
# never a patient identifier (config/logs.py, docs/operations.md).
LOG_FORMAT = env_str("LOG_FORMAT", "console" if DEBUG else "json")
LOGGING = logging_config(log_format=LOG_FORMAT, level=env_str("LOG_LEVEL", "INFO"))
configure_structlog()
DJANGO_STRUCTLOG_CELERY_ENABLED = True
# Logs leave the governed database for whatever collects them: no client addresses (the
# audit trail keeps those), staff by their public id rather than their row number.
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
DJANGO_STRUCTLOG_USER_ID_FIELD = "public_id"
# One line a request, as it finishes; its start only at DEBUG.
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG
# Workers log through the same configuration rather than Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Metrics at /metrics (config/metrics.py) for Prometheus: allowed with
# `Authorization: Bearer METRICS_TOKEN`, or from an address in METRICS_ALLOWED_NETWORKS
# (CIDRs); neither set, nobody. Across gunicorn workers and Celery processes on one host,
# set PROMETHEUS_MULTIPROC_DIR (an empty directory per host, emptied at start) so every
# process's counters are added up (docs/operations.md). Workers serve their own metrics on
# WORKER_METRICS_PORT when it is set.
METRICS_TOKEN = env_optional("METRICS_TOKEN") or ""
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS", [])
WORKER_METRICS_PORT = env_int("WORKER_METRICS_PORT", 0)
