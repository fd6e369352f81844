"""Settings for Xiao'an, driven by environment variables.

The defaults run the embedded demo (SQLite under var/, DEBUG on). Production sets DEBUG=0,
SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; missing production values fail fast.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
INSECURE_DEV_KEY = "django-insecure-xiaoan-embedded-demo-key-not-for-production"
SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_DEV_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0.")
if not DEBUG and SECRET_KEY == INSECURE_DEV_KEY:
    raise ImproperlyConfigured("SECRET_KEY must not be the embedded demo key when DEBUG=0.")
# Encrypts visitors' full ID numbers at rest: Fernet keys, newest first, comma-separated;
# empty derives one from SECRET_KEY (set it in production so SECRET_KEY can change).
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG=0.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# Our apps come first: their translations and templates take precedence over Django's own.
INSTALLED_APPS = [
    "xiaoan.core",
    "xiaoan.accounts",
    "xiaoan.notifications",
    "xiaoan.schools",
    "xiaoan.campaigns",
    "xiaoan.hazards",
    "xiaoan.inspections",
    "xiaoan.registers",
    "xiaoan.risks",
    "xiaoan.field",
    "xiaoan.reports",
    "xiaoan.assessments",
    "xiaoan.schoolfiles",
    "xiaoan.regions",
    "xiaoan.planning",
    "xiaoan.api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xiaoan.accounts.sessions.SessionRefreshMiddleware",
    "xiaoan.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "xiaoan.core.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "xiaoan.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "xiaoan.core.middleware.NotFoundPageMiddleware",
    "xiaoan.core.middleware.DomainErrorMiddleware",
    "xiaoan.core.middleware.SecurityHeadersMiddleware",
]
# Scripts only from our own files; styles may be inline (Bootstrap and ECharts set them).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
API_DOCS_PREFIX = "/api/v1/docs/"
CONTENT_SECURITY_POLICY_DOCS = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self'", "script-src 'self' 'unsafe-inline'"
)
PERMISSIONS_POLICY = (
    "camera=(self), geolocation=(), microphone=(), payment=(), usb=(), interest-cohort=()"
)

ROOT_URLCONF = "xiaoan.urls"
WSGI_APPLICATION = "xiaoan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "xiaoan.accounts.context_processors.membership",
            ],
        },
    },
]

# The embedded run's data: `var/` of the checkout (make run); an installed package (pip install .)
# has no checkout, and production sets DATABASE_URL, MEDIA_ROOT and STATIC_ROOT instead.
IN_CHECKOUT = (BASE_DIR / "manage.py").exists()
VAR_DIR = Path(os.environ.get("XIAOAN_VAR_DIR", BASE_DIR / "var" if IN_CHECKOUT else "var"))
if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded SQLite file lives there
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'xiaoan.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent requests of runserver/gunicorn must not fail on a locked database.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The web tier's settings of each PostgreSQL session (docs/deployment.md): no JIT, which
    # compiles any query estimated over jit_above_cost (a province's district-wide counts) for
    # longer than the query runs; a DATABASE_URL's own `?options=` wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", os.environ.get("DATABASE_SESSION_OPTIONS", "-c jit=off")
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith("redis://"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = os.environ.get("SESSION_ENGINE", "django.contrib.sessions.backends.db")

# Django's hashers, its default first; then the one for the passwords Xiao'an makes and hands
# out once (few rounds: a random 12-character password needs no stretching), which Django
# replaces with the default at the first login (accounts/hashers.py).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "xiaoan.accounts.hashers.OneTimePasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "xiaoan.accounts.validators.XiaoanPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Login attempts allowed before a pause of LOGIN_LOCKOUT_SECONDS (accounts/throttle.py): per
# account and address, per account from anywhere, and per address alone (a school shares one).
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_MAX_ACCOUNT_FAILURES = int(os.environ.get("LOGIN_MAX_ACCOUNT_FAILURES", "20"))
LOGIN_MAX_ADDRESS_FAILURES = int(os.environ.get("LOGIN_MAX_ADDRESS_FAILURES", "100"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", "900"))
# Addresses of the reverse proxies whose X-Forwarded-For is believed (core/addresses.py); none by
# default, so a client cannot choose the address it is counted and logged under.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
# A session ends after a working day without a request (SESSION_IDLE_SECONDS, default 10 hours);
# its expiry moves on at most every SESSION_REFRESH_SECONDS (accounts/sessions.py).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(10 * 3600)))
SESSION_REFRESH_SECONDS = int(os.environ.get("SESSION_REFRESH_SECONDS", "300"))
# A list's rows are kept rendered in the cache for a day after they were rendered (core/fragments.py).
FRAGMENT_SECONDS = int(os.environ.get("FRAGMENT_SECONDS", str(24 * 3600)))
# An API token ends after this many days, and at once when its user's password changes or the
# membership is deactivated (accounts/tokens.py).
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "30"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
# Inside the package, so `pip install .` carries the vendored files (package-data).
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Uploads and generated files: a directory (MEDIA_ROOT; shared by every app server and worker
# when there are several), or another storage, e.g. S3-compatible through django-storages:
# FILE_STORAGE=storages.backends.s3.S3Storage FILE_STORAGE_OPTIONS='{"bucket_name": …}'.
STORAGES = {
    "default": {
        "BACKEND": os.environ.get("FILE_STORAGE", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": json.loads(os.environ.get("FILE_STORAGE_OPTIONS", "{}")),
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Pages name static files by their hashed names only, so the unhashed copies are neither kept nor
# compressed: half the work of `collectstatic`.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
# Uploads are never served from a public URL: views check for_user() and stream them.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media-not-public/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "xiaoan@localhost")
# Where links in emails and group messages point (the address users open the site at).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Deliveries (email, SMS, group robots) and periodic jobs are tasks in the database, run by
# `xiaoan worker` (docs/deployment.md); the page that stores a notification never waits for them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# The class that sends text messages: `send(phone, text)`; the console one prints them.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "xiaoan.notifications.channels.ConsoleSMSBackend")
# Seconds to wait before each retry of a failed delivery; after the last one it is listed as
# failed for the bureau (notifications/failed deliveries).
DELIVERY_RETRY_DELAYS = [int(s) for s in env_list("DELIVERY_RETRY_DELAYS", "60,300,1800,7200")]
WEBHOOK_TIMEOUT_SECONDS = int(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
# Jobs the worker runs once per slot, however many workers run: each `every` minutes, at
# `at` (local time) within a daily slot. `xiaoan remind` from cron does the first one's work.
PERIODIC_JOBS = {
    "reminders": {"call": "xiaoan.reports.reminders.send_reminders", "every": 60},
    "digests": {
        "call": "xiaoan.notifications.digests.send_digests",
        "every": 24 * 60,
        "at": os.environ.get("DIGEST_TIME", "07:00"),
    },
    "requeue": {"call": "xiaoan.notifications.tasks.requeue_stalled", "every": 10},
    # Each district's figures at the end of a month that is over, stored once (the dashboard's
    # trend reads them); daily, so a month is stored the night after it ends.
    "month-ends": {
        "call": "xiaoan.reports.monthend.run_job",
        "every": 24 * 60,
        "at": os.environ.get("MONTH_END_TIME", "01:30"),
    },
    "jobs": {"call": "xiaoan.core.jobs.prune", "every": 60},
}
# Work larger than this runs as a background job (`core.jobs`): the page shows its progress
# and offers the file when it is ready. Imports: rows of the file; documents: schools covered.
BACKGROUND_IMPORT_ROWS = int(os.environ.get("BACKGROUND_IMPORT_ROWS", "2000"))
BACKGROUND_DOCUMENT_SCHOOLS = int(os.environ.get("BACKGROUND_DOCUMENT_SCHOOLS", "1000"))
# A table of an official document listing schools, hazards or districts shows at most this many
# rows (the worst first, and a totals line); the full list goes beside it as an .xlsx.
DOCUMENT_TABLE_ROWS = int(os.environ.get("DOCUMENT_TABLE_ROWS", "50"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "xiaoan.accounts.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "xiaoan.api.parsers.ObjectJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "xiaoan.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "xiaoan.api.views.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Xiao'an API",
    "DESCRIPTION": "校安 — school-safety special action of a district education bureau.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One schema name per choice set that several fields share.
    "ENUM_NAME_OVERRIDES": {
        "HazardStatusEnum": "xiaoan.hazards.choices.HazardStatus",
        "HazardLevelEnum": "xiaoan.hazards.choices.HazardLevel",
        "HazardEventKindEnum": "xiaoan.hazards.choices.EventKind",
        "HazardPhotoKindEnum": "xiaoan.hazards.choices.PhotoKind",
        "DutyLogKindEnum": "xiaoan.registers.choices.DutyLogKind",
        "SecurityStaffKindEnum": "xiaoan.registers.choices.StaffKind",
        "EquipmentKindEnum": "xiaoan.registers.choices.EquipmentKind",
        "SafetyActivityKindEnum": "xiaoan.registers.choices.ActivityKind",
        "SpecialGroupKindEnum": "xiaoan.registers.choices.SpecialGroupKind",
        "IncidentKindEnum": "xiaoan.registers.choices.IncidentKind",
        "CampaignStatusEnum": "xiaoan.campaigns.choices.CampaignStatus",
        "WorkPlanStatusEnum": "xiaoan.campaigns.choices.WorkPlanStatus",
        "InspectionKindEnum": "xiaoan.inspections.choices.InspectionKind",
        "InspectionStatusEnum": "xiaoan.inspections.choices.InspectionStatus",
        "InspectionResultEnum": "xiaoan.inspections.choices.AnswerResult",
        "FailRequirementEnum": "xiaoan.inspections.choices.FailRequirement",
        "SchoolKindEnum": "xiaoan.schools.choices.SchoolKind",
        "ChangeActionEnum": "xiaoan.core.models.ChangeAction",
        "RiskLevelEnum": "xiaoan.risks.choices.RiskLevel",
        "RiskLikelihoodEnum": "xiaoan.risks.choices.LIKELIHOOD_CHOICES",
        "RiskSeverityEnum": "xiaoan.risks.choices.SEVERITY_CHOICES",
    },
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Intranet host names cannot be on browsers' preload list (see docs/deployment.md).
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
