"""Gongjian settings.

One settings module for every environment. Values come from environment
variables through the small typed helpers below; secrets may also come from a
file named by the ``*_FILE`` variant. A git-ignored ``local_settings.py`` may
override anything. Production readiness is checked by ``manage.py check --deploy``.
"""

import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent


def _load_dotenv(path: Path) -> None:
    """KEY=VALUE lines from a git-ignored .env; real environment variables win."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            if value.strip():
                os.environ.setdefault(key.strip(), value.strip())


_load_dotenv(BASE_DIR / ".env")


def envstr(name: str, default: str | None = None) -> str | None:
    """Read a string; ``NAME_FILE`` wins over ``NAME`` so secrets stay out of env dumps."""
    path = os.getenv(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as e:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {e}") from e
    return os.getenv(name, default)


def envbool(name: str, default: str = "False") -> bool:
    value = (envstr(name, default) or "").lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, got {value!r}")


def envint(name: str, default: str) -> int:
    value = envstr(name, default)
    try:
        return int(value)
    except (TypeError, ValueError) as e:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from e


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (envstr(name, default) or "").split(",") if item.strip()]


DEBUG = envbool("DEBUG", "False")
VAR_DIR = Path(envstr("VAR_DIR", str(BASE_DIR / "var")))

# Development runs get a throwaway key so `make run` works on a fresh machine;
# the deploy check (gongjian.lib.checks) refuses it in production.
INSECURE_KEY_PREFIX = "insecure-dev-"
SECRET_KEY = envstr("SECRET_KEY") or INSECURE_KEY_PREFIX + "change-me-gongjian-local-only-0123456789"
# Keys for personal-data encryption and the audit HMAC chain are separate from
# SECRET_KEY so rotating sessions does not break stored data.
FIELD_ENCRYPTION_KEY = envstr("FIELD_ENCRYPTION_KEY") or "insecure-dev-field-key"
AUDIT_HMAC_KEY = envstr("AUDIT_HMAC_KEY") or "insecure-dev-audit-key"
# Seals published news versions (gongjian/news/seal.py); its own key, so rotating the audit key leaves them valid.
NEWS_SEAL_KEY = envstr("NEWS_SEAL_KEY") or "insecure-dev-news-seal-key"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "gongjian.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_htmx",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "gongjian.lib",
    "gongjian.audit",
    "gongjian.orgs",
    "gongjian.activities",
    "gongjian.agreements",
    "gongjian.exchange",
    "gongjian.projects",
    "gongjian.imports",
    "gongjian.notifications",
    "gongjian.insights",
    "gongjian.news",
    "gongjian.search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gongjian.lib.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gongjian.accounts.middleware.SessionLifetimeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "gongjian.lib.middleware.CurrentRequestMiddleware",
    "gongjian.accounts.middleware.AccountPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Innermost but for axes: it sees a view's full-disk error first, and ends each request's file bookkeeping last.
    "gongjian.lib.middleware.StoredFilesMiddleware",
    # Axes must be last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gongjian.urls"
WSGI_APPLICATION = "gongjian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gongjian" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongjian.lib.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = envstr("DATABASE_URL", "")
if DATABASE_URL:
    import dj_database_url

    # A connection is kept for a minute and checked before a request reuses it: after a database
    # restart the next request reconnects instead of failing on a dead socket (fault drill,
    # lib/tests/test_drill_database_restart.py).
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "gongjian.sqlite3",
            # Kept for a minute, as on PostgreSQL: opening the file and running the PRAGMAs below
            # cost each request 2 ms, as much as rendering a public news page.
            "CONN_MAX_AGE": 60,
            # WAL and a busy timeout let the web process and the task worker share the file. A 64 MB
            # page cache (the default is 2 MB) keeps the indexes of 100,000 organizations in memory:
            # importing 10,000 of them missed the cache on most index inserts.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
            },
        }
    }
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Test databases are created UTF-8 whatever the cluster's template1 says.
    DATABASES["default"].setdefault("TEST", {}).update({"CHARSET": "UTF8", "TEMPLATE": "template0"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication and accounts (SECURITY.md items 1-5) ------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "gongjian.accounts.backends.CaseInsensitiveModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "gongjian.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_EXPIRY_DAYS = envint("PASSWORD_EXPIRY_DAYS", "90")
ACCOUNT_DORMANT_DAYS = envint("ACCOUNT_DORMANT_DAYS", "90")
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_SECONDS = envint("SESSION_IDLE_SECONDS", str(30 * 60))
SESSION_ABSOLUTE_SECONDS = envint("SESSION_ABSOLUTE_SECONDS", str(12 * 3600))
# Saving on every request makes the cookie age an idle timeout.
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = envbool("SECURE_COOKIES", "False")
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# Asks browsers to ship the domain in their HSTS list (check --deploy warns without it); the site must then stay HTTPS-only.
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "False")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "False")
# A monitor may poll gunicorn directly on its loopback port, without nginx's X-Forwarded-Proto.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_TLS_PROXY", "False") else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# django-axes: 5 failures lock the account and, separately, the source address.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "gongjian.accounts.views.lockout"
AXES_USERNAME_CALLABLE = "gongjian.accounts.backends.axes_username"
AXES_CLIENT_IP_CALLABLE = "gongjian.lib.middleware.axes_client_ip"
# Reverse proxies whose X-Forwarded-For is believed (audit IPs, lockout by source).
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES", "")
AXES_VERBOSE = False

# Audit records younger than this are never purged; the floor of 190 days is enforced in code.
AUDIT_RETENTION_DAYS = envint("AUDIT_RETENTION_DAYS", "365")
# The audit chain's head is stamped here, outside the database, so removing the newest records shows.
AUDIT_HEAD_FILE = Path(envstr("AUDIT_HEAD_FILE") or VAR_DIR / "audit-head.json")

OTP_TOTP_ISSUER = "Gongjian"
RECOVERY_CODE_COUNT = 10

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "gongjian" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "gongjian" / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024))
STORAGES = {
    # Like the private uploads' storage: files are stored whole or not at all (gongjian.lib.uploads).
    "default": {"BACKEND": "gongjian.lib.uploads.WholeFilesStorage"},
    # Hashed names (cache-busting) from the manifest `collectstatic` writes; with DEBUG on, the plain names.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage." + ("StaticFilesStorage" if DEBUG else "ManifestStaticFilesStorage")},
}
WHITENOISE_USE_FINDERS = True

# --- Email and background work --------------------------------------------
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "gongjian@localhost")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "False")

TASKS = {
    "default": {
        "BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Exchange ------------------------------------------------------------
# Paired organizations may claim a published need first for this many days.
EXCHANGE_PRIORITY_DAYS = envint("EXCHANGE_PRIORITY_DAYS", "14")
# The matching index lives on disk (default VAR_DIR/match_index) so every web process and
# worker of a host maps the same files. Keep it on local disk: with several hosts each keeps its
# own and catches up with the database by itself (docs/deployment.md, "More than one app host").
MATCH_INDEX_DIR = envstr("MATCH_INDEX_DIR") or None

# --- API ------------------------------------------------------------------
# A choice filter's empty choice reads "全部" (All), not "---------".
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("All")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "gongjian.accounts.tokens.TwoFactorTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["gongjian.lib.api_policy.IsAuthenticatedAndCleared"],
    "DEFAULT_FILTER_BACKENDS": ["gongjian.lib.filtering.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "gongjian.lib.api_policy.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "gongjian.lib.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "gongjian.lib.api.exception_handler",
    # Counted in the default cache, that is per server process unless CACHES names a shared one (docs/api.md).
    "DEFAULT_THROTTLE_CLASSES": ["gongjian.lib.api_policy.AnonRateThrottle", "gongjian.lib.api_policy.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": envstr("API_THROTTLE_ANON", "60/minute"), "user": envstr("API_THROTTLE_USER", "1200/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gongjian API",
    "DESCRIPTION": "区域化党建联盟平台 REST API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every app has a "status" and a "kind"; name each choice set after its class.
    "ENUM_NAME_OVERRIDES": {
        "ProjectStatusEnum": "gongjian.projects.choices.ProjectStatus",
        "TaskStatusEnum": "gongjian.projects.choices.TaskStatus",
        "OutcomeKindEnum": "gongjian.projects.choices.OutcomeKind",
        "EvidenceKindEnum": "gongjian.projects.choices.EvidenceKind",
        "AgreementStatusEnum": "gongjian.agreements.choices.AgreementStatus",
        "PairingStatusEnum": "gongjian.agreements.choices.PairingStatus",
        "AllianceKindEnum": "gongjian.agreements.choices.AllianceKind",
        "BaseKindEnum": "gongjian.agreements.choices.BaseKind",
        "HonorKindEnum": "gongjian.agreements.choices.HonorKind",
        "OrgKindEnum": "gongjian.orgs.choices.OrgKind",
        "OrgStatusEnum": "gongjian.orgs.choices.OrgStatus",
        "NeedStatusEnum": "gongjian.exchange.choices.NeedStatus",
        "ResourceStatusEnum": "gongjian.exchange.choices.ResourceStatus",
        "ClaimStatusEnum": "gongjian.exchange.choices.ClaimStatus",
        "ListKindEnum": "gongjian.exchange.choices.ListKind",
        "HelpKindEnum": "gongjian.exchange.choices.HelpKind",
        "SuggestionVerdictEnum": "gongjian.exchange.models.feedback.Verdict",
        "ActivityKindEnum": "gongjian.activities.choices.ActivityKind",
        "RegistrationStatusEnum": "gongjian.activities.choices.RegistrationStatus",
        "ArticleStatusEnum": "gongjian.news.choices.ArticleStatus",
        "ArticleCategoryEnum": "gongjian.news.choices.Category",
        "ReviewStageEnum": "gongjian.news.choices.Stage",
        "ReviewDecisionEnum": "gongjian.news.models.review_flow.DECISIONS",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every handler masks phone and ID numbers in messages and tracebacks (SECURITY.md item 16).
    "filters": {"personal_data": {"()": "gongjian.lib.logs.MaskPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["personal_data"]}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request bodies may carry personal data; never log them.
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}

try:
    from .local_settings import *  # noqa: F403  (an optional, git-ignored override file)
except ImportError:
    pass
