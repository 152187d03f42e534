"""One settings module for every machine: everything that differs comes from the environment.

With no environment set this is the embedded default: SQLite in var/, Celery tasks run
in-process, e-mail printed on the console, DEBUG on. Production sets DJANGO_DEBUG=0,
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and REDIS_URL.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# The development key is public (it is in the repository): with DEBUG off it would let anyone
# forge sessions, password-reset tokens and signed values, so production must bring its own.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
SECRET_KEY = env("DJANGO_SECRET_KEY", default="") or DEVELOPMENT_SECRET_KEY
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0 (and must not be the development key "
        "kept in the repository). Generate one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "auditlog",
    "axes",
    "django_celery_results",
    "core",
    "units",
    "inspections",
    "findings",
    "reports",
    "inspections.reform_index",
]
# Developer tools (devtools/: demo data, the page benchmark, the national data generator):
# installed where DEBUG is on, or wherever DJANGO_DEVTOOLS=1 (the Makefile's test and bench targets
# set it). Production (DJANGO_DEBUG=0 without it) neither installs nor needs them.
DEVTOOLS = env.bool("DJANGO_DEVTOOLS", default=DEBUG)
if DEVTOOLS:
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages are compressed here, not at the proxy: one behaviour with or without nginx.
    "core.compression.TextGZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication and messages: ends idle or too-old sessions with a message.
    "core.sessions.SessionTimeoutMiddleware",
    # With PASSWORD_MAX_AGE_DAYS: an expired password is changed before anything else.
    "core.passwords.PasswordExpiryMiddleware",
    # Responses to a signed-in user: "private, no-store" unless the view chose otherwise.
    "core.cachecontrol.PrivateNoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Last, so that it sees the final response of a failed login.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.navigation.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3") and not env("DATABASE_URL", default=""):
    # The embedded default keeps its database in var/: a fresh checkout has no such folder yet.
    VAR_DIR.mkdir(exist_ok=True)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several autosaves can arrive at once; wait for the write lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    # A kept connection is checked before each request reuses it: after a PostgreSQL restart the
    # next request opens a new one instead of failing once in every web and worker process.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "units.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Django's ModelBackend with the user's home unit read in the same query (units/backends.py).
    "units.backends.UserBackend",
]
# Password policy (core/passwords.py, messages in Vietnamese): a minimum length, letters and
# digits, not one of the last PASSWORD_HISTORY_COUNT passwords, not like the account's details,
# not a common password; optionally a maximum age after which the user must change it.
PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=10)
PASSWORD_HISTORY_COUNT = 5
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=0)  # 0: passwords do not expire
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "core.passwords.MinimumLengthValidator"},
    {"NAME": "core.passwords.CharacterClassesValidator"},
    {"NAME": "core.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "core.passwords.CommonPasswordValidator"},
    {"NAME": "core.passwords.PasswordHistoryValidator"},
]
LOGIN_URL = "login"
# Sessions end after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS after the
# sign-in (core/sessions.py); the page warns a minute before (static/js/session.js).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_MAX_HOURS = env.int("SESSION_MAX_HOURS", default=12)
SESSION_WARNING_SECONDS = 60
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Repeated failed logins: 5 failures lock the username from that address for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Brotli/gzip-compressed, hashed names, cached for a year: light pages on 3G.
    # The ES modules' imports are rewritten to hashed names too (core/static_storage.py).
    "staticfiles": {"BACKEND": "core.static_storage.StaticStorage"},
    # Evidence, remediation attachments and generated reports: never a public URL, served by the
    # download views after their access check (core/downloads.py). Local disk under MEDIA_ROOT by
    # default; an S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set (below).
    "private": {"BACKEND": "core.private_storage.PrivateFileSystemStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# Object storage (django-storages with boto3): several web nodes and workers share one bucket, so no
# node keeps a file another needs. Credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the
# machine's role); objects are private (no ACL grant), and a download is a signed URL that lives
# AWS_QUERYSTRING_EXPIRE seconds, handed out only after the access check.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["private"] = {
        "BACKEND": "core.private_s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # Empty for AWS itself; the address of a provincial or on-premises S3-compatible service.
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default="") or None,
            # "path" works with every S3-compatible server; "virtual" for AWS buckets with dots-free names.
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default="path"),
            "location": env("AWS_LOCATION", default=""),
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=60),
        },
    }
# Behind nginx (deploy/nginx/kiemtra.conf) a download view answers with X-Accel-Redirect to this
# internal prefix and nginx sends the file, so a gunicorn worker is not tied up streaming evidence.
# Empty (the default, and `make run`): the view streams the file itself.
PRIVATE_FILES_ACCEL_PREFIX = env("PRIVATE_FILES_ACCEL_PREFIX", default="")

# Uploads: evidence and imports are checked by content; this is the default size cap (nginx's
# client_max_body_size must be at least this). A larger upload is spooled to FILE_UPLOAD_TEMP_DIR
# for the one request that receives it, then saved to the private storage: nothing stays behind.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = env("FILE_UPLOAD_TEMP_DIR", default="") or None

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
}

SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A load balancer probes the health endpoints over plain HTTP, straight at a web node.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Behind nginx the client's address arrives in X-Real-IP, which nginx sets from the connection it
# accepted (never from what the client sent), so the login lockout (django-axes, through
# django-ipware) counts failures per client and not per proxy. Set it only where the web nodes
# cannot be reached except through the proxy (gunicorn binds loopback or a private network).
if env.bool("DJANGO_BEHIND_PROXY", default=False):
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_REAL_IP", "REMOTE_ADDR")
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# E-mail: printed on the console unless SMTP is configured (EMAIL_HOST).
EMAIL_HOST = env("EMAIL_HOST", default="")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": env.int("EMAIL_PORT", default=587),
                "username": env("EMAIL_HOST_USER", default=""),
                "password": env("EMAIL_HOST_PASSWORD", default=""),
                "use_tls": env.bool("EMAIL_USE_TLS", default=True),
            },
        }
        if EMAIL_HOST
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
del EMAIL_HOST
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Kiểm tra CCHC <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with REDIS_URL a real worker on Redis. Without it, DJANGO_TASKS=files (what `make run`
# sets) puts the tasks in files under DJANGO_TASKS_DIR (kombu's filesystem transport: no service
# to install) for the worker `make run` starts beside runserver, so long work shows its progress
# as on Redis; otherwise tasks run in-process (tests, one-off commands). We read our own variable
# names: Celery's own CELERY_* env vars would override these.
REDIS_URL = env("REDIS_URL", default="")
TASKS_IN_FILES = not REDIS_URL and env("DJANGO_TASKS", default="inline") == "files"
TASKS_DIR = Path(env("DJANGO_TASKS_DIR", default=str(VAR_DIR / "broker")))
CELERY_BROKER_URL = REDIS_URL or ("filesystem://" if TASKS_IN_FILES else "memory://")
CELERY_RESULT_BACKEND = "django-db"
CELERY_TASK_ALWAYS_EAGER = not (REDIS_URL or TASKS_IN_FILES)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_TIMEZONE = TIME_ZONE
# Redis may restart or drop idle connections: the worker keeps retrying (at start too), pings
# idle connections before use, and gives an unacknowledged task back to the queue after 15 minutes
# (longer than any task with its retries; re-deliveries are harmless, every task is idempotent).
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 900,
    "health_check_interval": 25,
    "socket_connect_timeout": 3,
    "socket_timeout": 10,
    "socket_keepalive": True,
    "retry_on_timeout": True,
}
if TASKS_IN_FILES:
    # One folder the web process writes to and the worker reads from (config/celery.py makes it).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(TASKS_DIR / "queue"),
        "data_folder_out": str(TASKS_DIR / "queue"),
        "control_folder": str(TASKS_DIR / "control"),
        "store_processed": False,
    }
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BEAT_SCHEDULE: dict = {}
# The outbox (core/outbox.py): tasks and e-mails written with the change that calls for them.
CELERY_BEAT_SCHEDULE |= {
    # Every minute: hand over the tasks and e-mails the broker or the mail server refused before.
    "core-outbox-sweep": {"task": "core.tasks.outbox_sweep", "schedule": 60.0},
}
# Periodic tasks (reports/tasks.py, findings/tasks.py), in CELERY_TIMEZONE (Asia/Ho_Chi_Minh).
CELERY_BEAT_SCHEDULE |= {
    # Every minute: queue again (or fail, after the last attempt) the reports whose worker stopped
    # sending heartbeats, and re-send the ones no worker took up.
    "reports-sweep-stuck": {"task": "reports.tasks.sweep_stuck_reports", "schedule": 60.0},
    # Every 5 minutes: make the dashboards' roll-ups again (the page shows the time they are as of).
    "reports-refresh-dashboards": {"task": "reports.tasks.refresh_dashboards", "schedule": 300.0},
    # Every day at 07:00: remind units of actions due within a week or overdue; escalate long-overdue ones.
    "findings-remediation-reminders": {
        "task": "findings.tasks.send_remediation_reminders",
        "schedule": crontab(minute=0, hour=7),
    },
    # Every Monday at 07:30: the weekly remediation digest of each Department head.
    "findings-head-digest": {
        "task": "findings.tasks.send_head_digest",
        "schedule": crontab(minute=30, hour=7, day_of_week="mon"),
    },
}
# Security events (core/security_events.py) are kept this long, then pruned by core.tasks.
SECURITY_EVENT_RETENTION_DAYS = env.int("SECURITY_EVENT_RETENTION_DAYS", default=365)
CELERY_BEAT_SCHEDULE |= {
    # Every day at 02:30: delete the security events older than SECURITY_EVENT_RETENTION_DAYS.
    "core-prune-security-events": {
        "task": "core.tasks.prune_security_events",
        "schedule": crontab(minute=30, hour=2),
    },
}
# Reminders: the "due soon" horizon, and the days overdue after which the heads are told.
REMINDER_DUE_SOON_DAYS = env.int("REMINDER_DUE_SOON_DAYS", default=7)
REMINDER_ESCALATE_AFTER_DAYS = env.int("REMINDER_ESCALATE_AFTER_DAYS", default=14)
# A worker producing a report renews its lease (heartbeat) this often; a running report whose
# heartbeat is older than REPORT_STALE_SECONDS has lost its worker and is queued again.
REPORT_HEARTBEAT_SECONDS = env.float("REPORT_HEARTBEAT_SECONDS", default=15)
REPORT_STALE_SECONDS = env.int("REPORT_STALE_SECONDS", default=60)
# A queued report no worker took up is sent again after this long, and failed after the second.
REPORT_QUEUE_RESEND_SECONDS = env.int("REPORT_QUEUE_RESEND_SECONDS", default=300)

CACHES = {
    "default": (
        env.cache("CACHE_URL", default=REDIS_URL)
        if (env("CACHE_URL", default="") or REDIS_URL)
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # Short timeouts and a ping of idle connections: a Redis restart costs no hanging request.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {
            "socket_connect_timeout": 2,
            "socket_timeout": 2,
            "health_check_interval": 25,
            "retry_on_timeout": True,
        }
    )

# Logs: stdout as plain text (LOG_FORMAT=json for JSON lines). With LOG_DIR, also JSON lines in
# LOG_DIR/kiemtra.log (everything) and LOG_DIR/security.log (the "security" logger: sign-ins,
# lockouts, role changes, exports), rotated at midnight and kept LOG_RETENTION_DAYS days.
LOG_DIR = env("LOG_DIR", default="")
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOG_RETENTION_DAYS = env.int("LOG_RETENTION_DAYS", default=180)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "core.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json" if LOG_FORMAT == "json" else "text"}
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "security": {"level": "INFO"}},
}
if LOG_DIR:
    Path(LOG_DIR).mkdir(parents=True, exist_ok=True)
    for name, filename in (("file", "kiemtra.log"), ("security_file", "security.log")):
        LOGGING["handlers"][name] = {
            "class": "logging.handlers.TimedRotatingFileHandler",
            "filename": str(Path(LOG_DIR) / filename),
            "when": "midnight",
            "backupCount": LOG_RETENTION_DAYS,
            "encoding": "utf-8",
            "formatter": "json",
        }
    LOGGING["root"]["handlers"].append("file")
    LOGGING["loggers"]["security"]["handlers"] = ["security_file"]  # and, propagating, the others

# Findings and remediation: the default deadline of a conclusion's recommendations (changeable per
# recommendation), the notice type in its number ("12/TB-SNV"), and the address e-mails link to.
REMEDIATION_DEFAULT_DAYS = env.int("REMEDIATION_DEFAULT_DAYS", default=30)
CONCLUSION_SYMBOL_PREFIX = env("CONCLUSION_SYMBOL_PREFIX", default="TB")
# Concluding a visit issues its notice: this service (in reports, above findings) builds the DOCX
# and PDF once and freezes them with their SHA-256 (decision 0008). Not an environment setting.
CONCLUSION_NOTICE_ISSUER = "reports.services.issuing.notice_issue"
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Demo accounts are only created by `manage.py load_demo`, which refuses to run in production.
DEMO_PASSWORD = env("DEMO_PASSWORD", default="kiemtra2026")
