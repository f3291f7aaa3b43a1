"""Settings, read from the environment with safe embedded defaults for the demo.

Everything a deployment changes comes from environment variables (see docs/configuration.md).
The demo defaults let `python3 dev.py up` run with nothing configured; production mode
(`WUTONG_ENV=production`) refuses to start while any demo key is still in use.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from wutong.core.security.demo_keys import (
    DEMO_DATA_KEYS,
    DEMO_INDEX_KEY,
    DEMO_SECRET_KEY,
)

SRC_DIR = Path(__file__).resolve().parent
REPO_DIR = SRC_DIR.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    return int(value) if value is not None else default


WUTONG_ENV = env("WUTONG_ENV", "demo")
if WUTONG_ENV not in {"demo", "production", "test"}:
    raise ImproperlyConfigured("WUTONG_ENV must be demo, production or test")
PRODUCTION = WUTONG_ENV == "production"

WUTONG_HOME = Path(env("WUTONG_HOME", str(REPO_DIR / "var")))
WUTONG_HOME.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env("WUTONG_SECRET_KEY", DEMO_SECRET_KEY)
# Data keys: "kid:base64key[,kid:base64key…]"; the first is used to encrypt, all decrypt.
WUTONG_DATA_KEYS = env("WUTONG_DATA_KEY", DEMO_DATA_KEYS)
# The blind-index key never rotates with the data keys: lookups must keep working mid-rotation.
WUTONG_INDEX_KEY = env("WUTONG_INDEX_KEY", DEMO_INDEX_KEY)
# Cipher for new writes: "aes-256-gcm" (default) or "sm4-gcm" (商用密码).
WUTONG_CIPHER = env("WUTONG_CIPHER", "aes-256-gcm")

if PRODUCTION:
    demo_in_use = [
        name
        for name, value, demo in (
            ("WUTONG_SECRET_KEY", SECRET_KEY, DEMO_SECRET_KEY),
            ("WUTONG_DATA_KEY", WUTONG_DATA_KEYS, DEMO_DATA_KEYS),
            ("WUTONG_INDEX_KEY", WUTONG_INDEX_KEY, DEMO_INDEX_KEY),
        )
        if value == demo
    ]
    if demo_in_use:
        raise ImproperlyConfigured(
            "拒绝启动：生产模式下仍在使用演示密钥 "
            f"({', '.join(demo_in_use)})。请用 `wutong keys_generate` 生成新密钥并写入环境变量。"
        )

DEBUG = env_bool("WUTONG_DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in env("WUTONG_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in (env("WUTONG_CSRF_TRUSTED_ORIGINS", "") or "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "ninja",
    "bootstrap",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_tasks_rq",
    "django_rq",
    "wutong.core",
    "wutong.accounts",
    "wutong.orgs",
    "wutong.talents",
    "wutong.policies",
    "wutong.cases",
    "wutong.liaison",
    "wutong.assessment",
    "wutong.stats",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "wutong.core.middleware.RequestIdMiddleware",
    "wutong.core.middleware.RejectNullCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "wutong.accounts.middleware.IdleTimeoutMiddleware",
    "wutong.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "wutong.core.middleware.LoginRequiredMiddleware",
    "wutong.core.middleware.AppErrorMiddleware",
]

ROOT_URLCONF = "wutong.urls"
WSGI_APPLICATION = "wutong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wutong.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{WUTONG_HOME / 'wutong.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a write transaction takes the lock at BEGIN, so two writers never both
        # read the same audit-chain head (and SQLite never fails a lock upgrade mid-way).
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; "
            "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": env("WUTONG_TEST_SQLITE", None)}
else:
    DATABASES["default"]["TEST"] = {"NAME": env("WUTONG_TEST_DB_NAME", None)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, tasks -----------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}

WUTONG_TASK_BACKEND = env("WUTONG_TASK_BACKEND", "rq" if REDIS_URL else "db")
TASK_BACKENDS = {
    "db": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
# Services already enqueue inside transaction.on_commit(), so the backend must not defer again.
for _backend in TASK_BACKENDS.values():
    _backend["ENQUEUE_ON_COMMIT"] = False
if WUTONG_TASK_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured("WUTONG_TASK_BACKEND must be db, rq or immediate")
TASKS = {"default": TASK_BACKENDS[WUTONG_TASK_BACKEND]}
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 3600}}

# --- Notifications (core.notify) --------------------------------------------------------------
# Outbound channels, dotted paths of core.notify.Channel subclasses, comma-separated.
WUTONG_NOTIFY_CHANNELS = [p.strip() for p in (env("WUTONG_NOTIFY_CHANNELS",
                          "wutong.core.notify.LogChannel") or "").split(",")
                          if p.strip() and p.strip().lower() != "none"]
# A reminder or delivery claimed longer ago than this belongs to a dead worker: taken again.
WUTONG_NOTIFY_CLAIM_SECONDS = env_int("WUTONG_NOTIFY_CLAIM_SECONDS", 600)
WUTONG_NOTIFY_MAX_ATTEMPTS = env_int("WUTONG_NOTIFY_MAX_ATTEMPTS", 8)

# --- Authentication and sessions ------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "wutong.accounts.backends.RoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "full_name")}},
    {"NAME": "wutong.accounts.validators.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "wutong.accounts.validators.CharacterClassValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failures (django-axes): 5 failures lock the account for 15 minutes.
AXES_FAILURE_LIMIT = env_int("WUTONG_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("WUTONG_LOGIN_LOCK_MINUTES", 15) / 60
# Locked by account name whatever the address: guessing one account's password from many
# addresses must not get around the limit. (axes.W006 warns about the opposite trade-off.)
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_CALLABLE = "wutong.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# Idle timeout: a session unused for this many minutes ends (等保 2.0 登录超时退出).
WUTONG_IDLE_TIMEOUT_MINUTES = env_int("WUTONG_IDLE_TIMEOUT_MINUTES", 30)
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- HTTP security ----------------------------------------------------------------------------
WUTONG_HTTPS = env_bool("WUTONG_HTTPS", PRODUCTION)
SESSION_COOKIE_SECURE = WUTONG_HTTPS
CSRF_COOKIE_SECURE = WUTONG_HTTPS
if WUTONG_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("WUTONG_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- I18n -------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("WUTONG_STATIC_ROOT", str(WUTONG_HOME / "static")))
# Front-end assets installed from their package registries by `wutong install_assets`
# (ECharts from npm), outside the source tree: inside the virtual environment by default.
WUTONG_ASSET_DIR = Path(env("WUTONG_ASSET_DIR", str(Path(sys.prefix) / "share" / "wutong" /
                                                   "assets")))
STATICFILES_DIRS = [WUTONG_ASSET_DIR] if WUTONG_ASSET_DIR.is_dir() else []
MEDIA_ROOT = Path(env("WUTONG_MEDIA_ROOT", str(WUTONG_HOME / "media")))
WUTONG_EXPORT_DIR = WUTONG_HOME / "exports"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
WUTONG_IMPORT_MAX_BYTES = env_int("WUTONG_IMPORT_MAX_MB", 50) * 1024 * 1024
# Attachments of a person file (certificate scans, contracts), sealed under WUTONG_HOME.
WUTONG_ATTACHMENT_MAX_BYTES = env_int("WUTONG_ATTACHMENT_MAX_MB", 20) * 1024 * 1024

# --- Logging: never personal data (values are masked before they reach a logger) --------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "wutong.core.context.RequestIdLogFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: "
                                       "%(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain",
                             "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env("WUTONG_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

WUTONG_OUTBOUND_LOG = WUTONG_HOME / "outbound.log"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
WUTONG_API_PAGE_SIZE = 50
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
