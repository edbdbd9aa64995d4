"""Production: every secret from the environment; passes `nlb check --deploy`.

Environment (see docs/operations.md):
- SECRET_KEY, or SECRET_KEY_FILE naming a file that holds it (required).
- DATABASE_URL: postgres://user:password@host:5432/name (SQLite works for a trial).
- ALLOWED_HOSTS (comma-separated), SITE_URL, DEBUG (off unless set to 1).
- HTTPS: on (default) behind a TLS-terminating proxy; off only to try the stack over plain
  http on 127.0.0.1 (no redirect to https, cookies not marked secure, no HSTS).
- WEB_THREADS / DB_POOL_SIZE: connections each web process may hold (see nlb/gunicorn.conf.py).
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from .base import *  # noqa: F403
from .base import DATABASES, LOGGING, env_bool

DEBUG = env_bool("DEBUG", False)
if "SECRET_KEY" in os.environ:
    SECRET_KEY = os.environ["SECRET_KEY"]
elif "SECRET_KEY_FILE" in os.environ:
    SECRET_KEY = Path(os.environ["SECRET_KEY_FILE"]).read_text().strip()
else:
    raise ImproperlyConfigured("SECRET_KEY must be set in production (or SECRET_KEY_FILE)")

HTTPS = env_bool("HTTPS", True)
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # load balancers probe over plain http
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 3600  # hashed names are cached for a year regardless (immutable)
# Pages name static files through the manifest, so only the hashed copies are kept, and source
# maps (libraries' debugging aids, megabytes each) are not compressed: collectstatic stays quick.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# Database connections: each web process keeps a psycopg pool no larger than its threads, so a
# process can never hold more connections than it can use at once. The sizing rule is
#   web processes x DB_POOL_SIZE + job workers x 3 + 3 (migrations, backups, a shell)
#       <= PostgreSQL max_connections - superuser_reserved_connections (100 - 3 by default).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps connections, not Django
    DATABASES["default"]["OPTIONS"] = {
        "pool": {
            "min_size": 1,
            "max_size": int(os.environ.get("DB_POOL_SIZE", os.environ.get("WEB_THREADS", "4"))),
            "timeout": 10,  # seconds a request waits for a connection before failing
        }
    }

LOGGING["handlers"]["console"]["formatter"] = os.environ.get("LOG_FORMAT", "json")
