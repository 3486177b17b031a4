"""Settings for the IGF session catalogue.

Everything that differs between deployments comes from the environment; see
`.env.example` for the full list. With DJANGO_DEBUG off (the default) the settings
are safe for the public internet and refuse to start without a secret key.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from igf_catalogue.redis_fail_fast import FailFastConnection

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    """A whole number from the environment; empty (as .env.example may leave it) is the
    default, and anything else stops the site with a message naming the variable."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.")
    return number


DEBUG = env_bool("DJANGO_DEBUG")

# Without DJANGO_SECRET_KEY this key stands in, so that management commands
# (makemigrations, collectstatic, compilemessages) run anywhere. The site refuses to
# serve with it unless DEBUG is on (igf_catalogue/wsgi.py), and `check --deploy` flags
# it (security.W009, for its prefix).
DEVELOPMENT_SECRET_KEY = "django-insecure-development-key-never-use-it-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "") or DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "igf_catalogue.apps.SiteConfig",  # the project's own system checks
    "igf_catalogue.apps.CatalogueAdminConfig",  # django.contrib.admin with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from here rather than a CDN
    "corsheaders",
    "csp",
    "axes",
    "strategies",
    "sessions.apps.SessionsConfig",
]

MIDDLEWARE = [
    # Answers /healthz and /readyz before anything else runs, host checks included:
    # the probes come from inside the deployment, under whatever host name.
    "igf_catalogue.health.HealthCheckMiddleware",
    # One JSON line per request when CATALOGUE_JSON_LOGS is on; otherwise not loaded.
    "igf_catalogue.request_log.RequestLogMiddleware",
    # Answers an anonymous visitor's kept page as the stack below answered it before,
    # its headers and compression included, without running the stack again.
    "sessions.caching.kept_answers.KeptAnswerMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Answers CORS preflights before anything else can (for /api/ only, see below).
    "corsheaders.middleware.CorsMiddleware",
    # Static files come compressed ahead of time from here, so GZip sees none of them.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and API answers, compressed for clients that ask. BREACH, which reads a
    # secret back from the sizes of many compressed answers, finds none on a visitor's
    # page, and on an editor's the CSRF token is masked anew in every answer (Django
    # also pads each compressed answer with random bytes).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The interface language from the visitor's choice (a cookie) or Accept-Language.
    "igf_catalogue.languages.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "igf_catalogue.api.ApiConditionalGetMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes first, so a locked-out account is refused before its password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "igf_catalogue.urls"
WSGI_APPLICATION = "igf_catalogue.wsgi.application"

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

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Keep connections between requests, but check them first so the site
        # recovers by itself after the database restarts.
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers (or the development server's threads) write views at
    # once: in WAL mode pages read while a view is written; every transaction takes the
    # write lock as it begins (IMMEDIATE), waiting its turn for up to 20 s, rather than
    # failing at once where it would have had to turn a read into a write while another
    # wrote; NORMAL is WAL's usual setting for syncing to disk.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        **DATABASES["default"].get("OPTIONS", {}),
    }
# An optional read replica: the catalogue's pages read from it, every write (and the
# view counter, and logins) goes to "default" (igf_catalogue/db_routers.py).
if DATABASE_REPLICA_URL := os.environ.get("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
        test_options={"MIRROR": "default"},
    )
    DATABASE_ROUTERS = ["igf_catalogue.db_routers.ReadReplicaRouter"]
for database in DATABASES.values():
    if database["ENGINE"] == "django.db.backends.postgresql":
        # No JIT compiling: a broad search's facets are planned past its threshold (for
        # the exact count they then skip), and compiling took 50 ms of a 70 ms query. A
        # URL's own `?options=` replaces this (README: behind PgBouncer).
        database["OPTIONS"] = {"options": "-c jit=off", **database.get("OPTIONS", {})}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The default cache holds rendered data and may be per process. Recognising a
# returning visitor must work across every worker and host, so it never is: Redis, or
# a table in the database, which `migrate` creates whatever the settings (sessions/apps.py).
REDIS_URL = os.environ.get("REDIS_URL", "")
# Redis out of reach fails no page: the site then works uncached, recognises visitors
# in the database table instead, and says so in its log once a minute
# (igf_catalogue/log_throttle.py). After a call fails, a process leaves Redis alone for
# a few seconds (igf_catalogue/redis_fail_fast.py), so a Redis that hangs costs one
# call's timeout now and then rather than a second for every call.
REDIS_CACHE_OPTIONS = {
    "IGNORE_EXCEPTIONS": True,
    "SOCKET_CONNECT_TIMEOUT": 1,
    "SOCKET_TIMEOUT": 1,
    "CONNECTION_POOL_KWARGS": {"connection_class": FailFastConnection},
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "igf_catalogue.redis"
VISITORS_IN_DATABASE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "catalogue_visitor_cache",
    # Past MAX_ENTRIES (300 by default) the database cache forgets a third of its keys,
    # and those visitors would be counted again: leave room for every visitor of a busy
    # half hour.
    "OPTIONS": {"MAX_ENTRIES": 100_000},
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "igf",
            "OPTIONS": REDIS_CACHE_OPTIONS,
        },
        "visitors": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "igf-visitors",
            # Raises, so that the counter turns to the database (sessions/counting/visitors.py).
            "OPTIONS": {**REDIS_CACHE_OPTIONS, "IGNORE_EXCEPTIONS": False},
        },
        "visitors_in_database": VISITORS_IN_DATABASE,
    }
    # Views are counted in Redis, one round trip each, and written to the database in
    # batches by `manage.py write_views`, which must then run (sessions/counting/batches.py).
    CATALOGUE_VIEWS_IN_REDIS = env_bool("CATALOGUE_VIEWS_IN_REDIS", True)
    # Every worker and host reads the same cache, so the catalogue version can be read
    # there, not from the database, and a cached page costs no query (but once every few
    # seconds, when the copy there expires: sessions/caching/version.py).
    CATALOGUE_VERSION_IN_CACHE = True
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "visitors": VISITORS_IN_DATABASE,
        "visitors_in_database": VISITORS_IN_DATABASE,
    }
    CATALOGUE_VERSION_IN_CACHE = False
    CATALOGUE_VIEWS_IN_REDIS = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The interface's languages, the six of the United Nations (the switcher names each in
# its own words, as Django's language info has them); the content (titles, descriptions,
# transcripts) keeps its own language.
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("ar", "العربية"),
    ("zh-hans", "简体中文"),
    ("ru", "Русский"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our English date formats ("12 November 2015"); the other languages use Django's.
FORMAT_MODULE_PATH = ["igf_catalogue.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded documents. On the file system under MEDIA_ROOT by default (one host, or a
# volume the hosts share); in S3-compatible object storage when CATALOGUE_S3_BUCKET is
# set, so that several web hosts see the same files. Either way they are private: the
# site reads them through the storage and serves each as a download
# (sessions.browsing.documents), never from a public URL of their own.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "/media/"  # never routed: see above
S3_BUCKET = os.environ.get("CATALOGUE_S3_BUCKET", "")
if S3_BUCKET:
    DOCUMENT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            # Any S3-compatible service: MinIO, Ceph, a cloud's object storage.
            "endpoint_url": os.environ.get("CATALOGUE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("CATALOGUE_S3_REGION") or None,
            "access_key": os.environ.get("CATALOGUE_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("CATALOGUE_S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("CATALOGUE_S3_PREFIX") or "catalogue",
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
else:
    DOCUMENT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DOCUMENT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "admin:login"

# Editors' sessions end when the browser closes and after two hours in any case.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 2 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips a
    # client's own); turn off when gunicorn faces the internet directly.
    if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Probes from inside the deployment speak plain HTTP (igf_catalogue/health.py
    # answers them before this redirect anyway).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)

# Content-Security-Policy (django-csp): only this site's own files, no inline script
# or style, no plugins, no framing. JSON-LD blocks are data, not scripts, and pass.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        # The privacy-enhanced players of YouTube and Vimeo, put in only when a visitor
        # presses play (sessions.models.archive.PLAYER_HOSTS), and recordings that are
        # audio or video files elsewhere.
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "media-src": ["'self'", "https:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# django-axes: after AXES_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair is refused for AXES_COOLOFF_TIME, right password or not.
AXES_FAILURE_LIMIT = env_int("DJANGO_AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("DJANGO_AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "igf_catalogue.errors.login_locked_out"
# No version banner at every start (failures and lockouts are still logged).
AXES_VERBOSE = False
# The same client address the view counter uses (behind CATALOGUE_TRUSTED_PROXIES).
AXES_CLIENT_IP_CALLABLE = "igf_catalogue.client_address.client_address"

# Catalogue behaviour.
CATALOGUE_RELATED_SESSIONS = env_int("CATALOGUE_RELATED_SESSIONS", 3)
CATALOGUE_SESSIONS_PER_PAGE = 20
# The most sessions a calendar (.ics) of a list holds: the first ones of the list.
CATALOGUE_CALENDAR_MAX_EVENTS = 5000
# How long a visitor's view of a session is remembered, so that a repeat is not counted.
CATALOGUE_REPEAT_VIEW_WINDOW = 30 * 60  # seconds
# The views of one session that one client address may add in the repeat-view window,
# whatever the User-Agents it sends (0: no limit). Ten counts the first ten people of a
# workshop's audience behind a conference's shared Wi-Fi, and keeps one client from
# adding more than ten views of a session per half hour, however it disguises itself.
CATALOGUE_VIEWS_PER_ADDRESS = env_int("CATALOGUE_VIEWS_PER_ADDRESS", 10)
# The proxies in front of the site (addresses, networks, or "*"), and the request header
# (a META key) they put the client's address in (igf_catalogue/client_address.py).
CATALOGUE_TRUSTED_PROXIES = env_list("CATALOGUE_TRUSTED_PROXIES")
CATALOGUE_CLIENT_IP_HEADER = os.environ.get("CATALOGUE_CLIENT_IP_HEADER") or "HTTP_X_FORWARDED_FOR"

# The read-only JSON API under /api/ (igf_catalogue/api_urls.py).
# Requests an anonymous client may make per second, minute, hour or day; empty: no limit.
CATALOGUE_API_ANON_RATE = os.environ.get("CATALOGUE_API_ANON_RATE", "120/minute") or None
CATALOGUE_API_MAX_PAGE_SIZE = 100
REST_FRAMEWORK = {
    # Published data only, the same for everyone: no login, no cookie read, no writes.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["igf_catalogue.api.ReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "igf_catalogue.api.CataloguePagination",
    "PAGE_SIZE": CATALOGUE_SESSIONS_PER_PAGE,
    "DEFAULT_FILTER_BACKENDS": ["igf_catalogue.api.CatalogueFilterBackend"],
    # Counted in the default cache, which every worker shares when REDIS_URL is set.
    "DEFAULT_THROTTLE_CLASSES": ["igf_catalogue.api.AnonymousClientThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IGF Session Catalogue API",
    "DESCRIPTION": (
        "Read-only, open data: the sessions of the Internet Governance Forum since 2006, "
        "with their venues, session types, topics, strategies, speakers and tags. "
        "Only published sessions appear. The sessions list takes the same filters and "
        "sort as the site's session list. Lists are paginated (`page`, `page_size`). "
        "Responses carry ETag and Last-Modified and answer conditional requests with 304. "
        "Anonymous clients are rate-limited: past the limit the answer is 429 with "
        "Retry-After."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "igf_catalogue.api.add_error_responses",
    ],
}
# Any site may read the API from a browser: GETs only, never with credentials.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_HEADERS = ("accept", "accept-language", "if-modified-since", "if-none-match")
CORS_EXPOSE_HEADERS = ("ETag", "Retry-After")

# With DJANGO_JSON_LOGS=1 every log line is one JSON object, and each request adds
# one line with its method, path, status, duration and query count
# (igf_catalogue/request_log.py).
CATALOGUE_JSON_LOGS = env_bool("DJANGO_JSON_LOGS")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # Each is one filter, shared by the loggers below that name it.
        "redis_outage": {"()": "igf_catalogue.log_throttle.RedisOutage"},
        "once_a_minute": {"()": "igf_catalogue.log_throttle.AtMostOnceAMinute"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if CATALOGUE_JSON_LOGS else {}),
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Redis out of reach fails every cache call of every request.
        DJANGO_REDIS_LOGGER: {"filters": ["redis_outage"]},
        "sessions.caching.tracked_version": {"filters": ["redis_outage"]},
        "sessions.counting.visitors": {"filters": ["redis_outage"]},
        "sessions.counting.counter": {"filters": ["redis_outage"]},
        # An untrusted proxy shows on every request it forwards.
        "igf_catalogue.client_address": {"filters": ["once_a_minute"]},
    },
}

# How long an anonymous visitor's page may be served from the cache (sessions.caching.page_cache).
# An edit shows at once whatever this is; only view counts may be this old.
CATALOGUE_PAGE_CACHE_SECONDS = env_int("CATALOGUE_PAGE_CACHE_SECONDS", 300)
# Paginates the public lists and the API's sessions: this one counts each list once per
# catalogue version (counting means reading every matching session).
CATALOGUE_PAGINATOR = "sessions.caching.page_cache.VersionedCountPaginator"

# The admin's import page: the largest file an editor may upload, and where the check
# and the import run ("in_background", a process of their own; "in_request" for tests).
CATALOGUE_IMPORT_MAX_BYTES = env_int("CATALOGUE_IMPORT_MAX_MEGABYTES", 50) << 20
CATALOGUE_IMPORTS_RUN = "in_background"
# The largest document an editor may upload.
CATALOGUE_DOCUMENT_MAX_BYTES = env_int("CATALOGUE_DOCUMENT_MAX_MEGABYTES", 25) << 20
