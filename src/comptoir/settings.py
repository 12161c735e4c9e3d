"""Comptoir settings: one module, driven by the environment.

COMPTOIR_ENV   development (default) or production
DATABASE_URL   sqlite:///var/comptoir.sqlite3 by default; postgres://... for PostgreSQL
SECRET_KEY     required in production; generated into var/secret_key on a local machine
SECRET_KEY_FALLBACKS  former keys, comma-separated, while rotating SECRET_KEY
ALLOWED_HOSTS  comma-separated, production only
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("COMPTOIR_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)

ENV = os.environ.get("COMPTOIR_ENV", "development")
PRODUCTION = ENV == "production"
DEBUG = not PRODUCTION and os.environ.get("COMPTOIR_DEBUG", "1") == "1"


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production (COMPTOIR_ENV=production)")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Former keys, comma-separated, while rotating: sessions and API keys made with them stay valid
SECRET_KEY_FALLBACKS = [k for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k]

if PRODUCTION:
    ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]
else:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "comptoir.core",
    "comptoir.parties",
    "comptoir.catalog",
    "comptoir.terms",
    "comptoir.ledger",
    "comptoir.billing",
    "comptoir.payments",
    "comptoir.ordering",
    "comptoir.fulfilment",
    "comptoir.webhooks",
    "comptoir.edi",
    "comptoir.api",
    "comptoir.web",
    "comptoir.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "comptoir.web.middleware.RefuseNulCharacters",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "comptoir.urls"
WSGI_APPLICATION = "comptoir.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "comptoir.parties.acting.context",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'comptoir.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN
        # so that concurrent use cases queue instead of failing with "database is locked".
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# PostgreSQL binds the parameters itself and keeps a statement that ran 5 times on a connection
# prepared, its plan reused (docs/decisions.md); "off" for a pooler that cannot keep them
PG_PREPARE_THRESHOLD = os.environ.get("COMPTOIR_PG_PREPARE_THRESHOLD", "5").strip().lower()
if not (PG_PREPARE_THRESHOLD == "off" or PG_PREPARE_THRESHOLD.isdigit()):
    raise ImproperlyConfigured("COMPTOIR_PG_PREPARE_THRESHOLD: a number of runs, or off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and (
    PG_PREPARE_THRESHOLD != "off"
):
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": int(PG_PREPARE_THRESHOLD),
    }

AUTH_USER_MODEL = "parties.User"
SESSION_ENGINE = "comptoir.parties.sessions"  # Django's database sessions, read compiled
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "comptoir.parties.backends.MembershipBackend",  # Django's, with the memberships read
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "src" / "comptoir" / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("COMPTOIR_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Comptoir <noreply@comptoir.example>")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"comptoir": {"level": os.environ.get("COMPTOIR_LOG_LEVEL", "INFO")}},
}

# Card payments (PT1): "local" accepts every card (development); "psp" calls the operator's PSP.
# each compiled read (core.compiled) also built the ordinary way and compared: development, tests
COMPTOIR_VERIFY_COMPILED_READS = DEBUG or os.environ.get("COMPTOIR_VERIFY_COMPILED_READS") == "1"
COMPTOIR_PAYMENT_PROVIDER = os.environ.get("COMPTOIR_PAYMENT_PROVIDER", "local")
COMPTOIR_PSP_URL = os.environ.get("COMPTOIR_PSP_URL", "")
COMPTOIR_PSP_KEY = os.environ.get("COMPTOIR_PSP_KEY", "")
# PT3: the financing partner's fee, in % of the invoice, under the operator's agreement with it
COMPTOIR_FINANCING_FEE_PERCENT = os.environ.get("COMPTOIR_FINANCING_FEE_PERCENT", "0")
# processes a large sweep (collection) may use on PostgreSQL: core/parallel.py
COMPTOIR_SWEEP_WORKERS = int(os.environ.get("COMPTOIR_SWEEP_WORKERS", "1"))
# Webhooks: plain http:// to 127.0.0.1/localhost is accepted for development and tests only
COMPTOIR_WEBHOOKS_ALLOW_LOCAL_HTTP = (
    os.environ.get("COMPTOIR_WEBHOOKS_ALLOW_LOCAL_HTTP", "0" if PRODUCTION else "1") == "1"
)
