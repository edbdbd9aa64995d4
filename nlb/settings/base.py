"""Settings shared by every environment; environment-specific files override these."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = BASE_DIR / "data"
VAR_DIR = Path(os.environ.get("NLB_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-development-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

SERVICE_NAME = "Nowhere Left Behind"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves Swagger UI from its own static files, not a CDN
    "django_tasks",
    "django_tasks_db",  # the job queue's table; `nlb db_worker` runs it
    "axes",  # sign-in throttling (see AXES_* below)
    "csp",  # Content-Security-Policy header (see CONTENT_SECURITY_POLICY below)
    # Our domain apps, in dependency order (bootstrap runs them in this order).
    "apps.core",
    "apps.jobs",
    "apps.operations",
    "apps.councils",
    "apps.accounts",
    "apps.indicators",
    "apps.early_warning",
    "apps.support",
    "apps.engagements",
    "apps.peers",
    "apps.consultations",
    "apps.reports",
    "apps.api",
]

MIDDLEWARE = [
    "apps.operations.middleware.RequestLogMiddleware",  # first: request id for every other line
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apps.core.middleware.RejectNulBytesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: answers a locked-out sign-in with our page
]

ROOT_URLCONF = "nlb.urls"

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
                "apps.accounts.context_processors.service",
            ],
        },
    },
]

WSGI_APPLICATION = "nlb.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'nlb.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the job worker (`make run`) share one SQLite file: write-ahead logging
    # lets readers work beside a writer, IMMEDIATE transactions take the write lock up front (no
    # "database is locked" on upgrading a read) and a writer waits up to 20 s for the lock.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# The job queue (apps.jobs): "database" stores jobs for `nlb db_worker` processes (SQLite or
# PostgreSQL, no other server); "immediate" runs them inside the request (tests).
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": TASK_BACKENDS[os.environ.get("TASKS_BACKEND", "database")]}}

# Caches. "memo" holds results computed only from published data (apps.core.memo), keyed by the
# data stamps: shared by every web process, job worker and machine, kept across restarts. In the
# database by default (a table `migrate` creates; works on SQLite and PostgreSQL); MEMO_CACHE=file
# keeps it in files under var/cache/memo instead (one machine only).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "memo": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "nlb_memo_cache",
        "TIMEOUT": 7 * 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 5000, "CULL_FREQUENCY": 4},
    }
    if os.environ.get("MEMO_CACHE", "database") == "database"
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "memo"),
        "TIMEOUT": 7 * 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 5000, "CULL_FREQUENCY": 4},
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out username + address first
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from
# one address, that username is refused from that address for the cool-off, right password or not.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Proxies in front of the app (their X-Forwarded-For gives the client's address).
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0"))
AXES_VERBOSE = False

# Idle timeout: a session ends SESSION_IDLE_MINUTES after its last request (each request renews it).
SESSION_COOKIE_AGE = 60 * int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_SAVE_EVERY_REQUEST = True

# Content-Security-Policy (django-csp 4): scripts only from our own static files, never inline
# (no <script> bodies, no on* attributes); styles may be inline (SVG charts, htmx's indicators).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy: the service uses no device features, so none is granted.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))  # uploads, served by the app

# Limits on files read by the command-line importers (apps.core.uploads.file_limits): unset, the
# web uploads' own (10 MB, 50,000 rows, 200 columns); a command's --max-bytes, --max-rows and
# --max-columns raise them for one run (see docs/operations.md).
IMPORT_LIMITS = {
    field: int(os.environ[variable])
    for field, variable in (
        ("max_bytes", "NLB_IMPORT_MAX_BYTES"),
        ("max_rows", "NLB_IMPORT_MAX_ROWS"),
        ("max_columns", "NLB_IMPORT_MAX_COLUMNS"),
    )
    if os.environ.get(variable)
}

# Absolute address of the service, for links in emails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@nowhere-left-behind.example")

# Logs go to standard error, one line per event, each with the request id: LOG_FORMAT=json (the
# production default) for a log collector, text for people. Refused requests (4xx) make one line.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "apps.operations.logs.RequestIdFilter"},
        "refused": {"()": "apps.operations.logs.RefusedRequestFilter"},
    },
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "refused"],
        }
    },
    "loggers": {
        "nlb": {"level": os.environ.get("NLB_LOG_LEVEL", "INFO")},
        # Django's records reach our console handler (its own debug-only handler would print
        # refusals' tracebacks); runserver's access lines give way to ours.
        "django": {"handlers": [], "level": "WARNING", "propagate": True},
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
