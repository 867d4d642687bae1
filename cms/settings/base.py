"""Settings shared by every environment; everything that varies comes from the environment."""

import os
from pathlib import Path

import dj_database_url
import dj_email_url

from cms.object_storage import object_storages

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# production.py sets it: cms/checks.py then refuses the demo's switches (the payment simulator, a shared secret).
PRODUCTION = False
SECRET_KEY = env("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The links of e-mails follow the Wagtail Site («Paramètres > Sites»: host name and port), or the address in use
# during a request (home.models.SiteIdentity.public_address). This one serves Wagtail's own admin e-mails, and the
# portal's only while no Site exists.
PUBLIC_URL = env("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "cms",
    "commun",
    "home",
    "espace_famille",
    "espace_famille.dossier",
    "espace_famille.comptes",
    "espace_famille.demandes",
    "espace_famille.planning",
    "espace_famille.modifications",
    "espace_famille.justificatifs",
    "espace_famille.creche",
    "espace_famille.messagerie",
    "espace_facturation",
    "notifications",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail_modeladmin",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "altcha_django",
    "django_q",
    "django_filters",
    "localflavor",
    "phonenumber_field",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # /healthz and /readyz for load balancers, before the host check, the HTTPS redirect, the session (cms/health.py).
    "cms.health.HealthMiddleware",
    # One JSON line per request on the «portail.requests» logger, with its X-Request-ID (cms/request_log.py).
    "cms.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside every middleware that may end a session (SessionExpiryMiddleware, StaffOnlyAdminMiddleware).
    "cms.security.ClearSiteDataMiddleware",
    "cms.security.PrivateNoStoreMiddleware",
    "cms.security.PortalCSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view reads the body: an oversize upload is answered 413 unread (commun/uploads.py).
    "commun.uploads.UploadSizeMiddleware",
    "cms.security.SessionExpiryMiddleware",
    "cms.security.StaffOnlyAdminMiddleware",
    "cms.security.StaffEnrolmentMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "cms.security.MalformedAddressMiddleware",
    # Last: a page it serves goes through every other middleware as the page Wagtail would serve.
    "cms.page_cache.PageCacheMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "home.context_processors.portal",
            ],
        },
    },
]

# Database: SQLite in var/ unless DATABASE_URL says otherwise (PostgreSQL in production).
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "portail.sqlite3",
            # Keep the connection: opening one (and its PRAGMAs) costs more than most pages.
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                # WAL lets readers work while one writer writes; IMMEDIATE takes the write
                # lock at BEGIN so two writers queue instead of failing mid-transaction.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "cms.redis_cache.PooledRedisCache", "LOCATION": REDIS_URL}}
    # Sessions read from Redis, written through to the database (a Redis restart logs nobody out): the rush hour's
    # thousand parents then cost no session query per page (bench/rush.py).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portail_cache"}}
# The anonymous visitors' CMS pages (cms/page_cache.py), kept PAGE_CACHE_SECONDS (0: no page cache): in Redis, shared
# by every process, from PAGE_CACHE_URL or else REDIS_URL; without either, in each process's memory (a purge then
# reaches only the process that made it: development and tests).
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "600"))
PAGE_CACHE_URL = env("PAGE_CACHE_URL") or REDIS_URL
if PAGE_CACHE_URL:
    CACHES["pages"] = {
        "BACKEND": "cms.redis_cache.PooledRedisCache",
        "LOCATION": PAGE_CACHE_URL,
        "KEY_PREFIX": "pages",
        "TIMEOUT": PAGE_CACHE_SECONDS,
    }
else:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "TIMEOUT": PAGE_CACHE_SECONDS,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }

# Tasks: django-q2 on Redis when there is one, on the database otherwise.
Q_CLUSTER = {
    "name": "portail",
    "workers": int(env("Q_WORKERS", "2")),
    "timeout": 60,
    "retry": 120,
    "max_attempts": 3,
    "catch_up": False,
    "label": "Tâches",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
# Who runs the tasks: the django-q2 cluster (`manage.py qcluster`, the default), or cron alone (PORTAIL_TASKS=cron):
# nothing is then queued for a cluster that does not exist; the outbox's rows and the invoicing runs started from
# the admin wait for the commands of the crontab that `manage.py register_schedules` prints (commun/tasks.py).
TASKS_RUNNER = env("PORTAIL_TASKS", "cluster")

AUTH_USER_MODEL = "espace_famille.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# argon2id at OWASP's minimum cost, ten times cheaper than Django's default (espace_famille/comptes/hashers.py).
PASSWORD_HASHERS = [
    "espace_famille.comptes.hashers.PortailArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# The guide's rule (8 characters, a digit, a lower and an upper case letter) is one validator, which says the length
# too: Django's MinimumLengthValidator would say it a second time beside the field.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "espace_famille.comptes.validators.PasswordCompositionValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "espace_famille:mon_espace"

# Accounts (django-allauth): the email is the login, it must be confirmed, and no
# answer tells whether an address has an account.
ACCOUNT_ADAPTER = "espace_famille.comptes.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "espace_famille.comptes.forms.SignupForm",
    "login": "espace_famille.comptes.forms.LoginForm",
    "change_password": "espace_famille.comptes.forms.ChangePasswordForm",
    "set_password": "espace_famille.comptes.forms.SetPasswordForm",
    "reset_password_from_key": "espace_famille.comptes.forms.ResetPasswordKeyForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = int(env("ACCOUNT_CONFIRMATION_DAYS", "2"))
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
# Changing the e-mail address asks for the password again (the password change asks for the old one).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# The person is told by e-mail when the password, the e-mail or a second factor of the account changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Wrong second-factor codes, per address and per account (only someone holding the password gets there).
    "login_failed": "10/m/ip,5/15m/key",
    # Wrong passwords per address; per account they are counted with the address, with growing delays
    # (espace_famille/comptes/throttling.py), so that nobody can lock another person out.
    "login_failed_address": "10/m/ip",
    "signup": "20/h/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
# Second factor (allauth.mfa): an authenticator app (TOTP), security keys (WebAuthn) and recovery codes. Everyone
# who reaches the Wagtail admin must have one and have used it to sign in (cms/staff_auth.py); parents may add one.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", "Portail Famille")
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_FORMS = {
    "add_webauthn": "espace_famille.comptes.mfa_forms.AddSecurityKeyForm",
    "edit_webauthn": "espace_famille.comptes.mfa_forms.EditSecurityKeyForm",
}
# WebAuthn refuses plain HTTP except on the developer's own machine (dev settings turn this on).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False
# The admin's own password reset is not throttled: staff reset theirs through the portal's, which is.
WAGTAIL_PASSWORD_RESET_ENABLED = False
# How many reverse proxies stand in front of the application servers: the visitor's address is then read from
# X-Forwarded-For (commun/http.py), for every throttle and audit entry. 0: the header is ignored.
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))
RATELIMIT_IP_META_KEY = "commun.http.client_ip"
# Wrong subscriber codes or invoice references, counted per account and per address.
SUBSCRIPTION_RATE = env("SUBSCRIPTION_RATE", "5/h")

ALTCHA_HMAC_SECRET = env("ALTCHA_HMAC_SECRET") or SECRET_KEY or "altcha-dev-only"
# The demo's bank: a page of the portal where a parent answers «paiement accepté» for their own invoice. Never in
# production (cms/checks.py); a régie set to it does not offer online payment while it is off.
PAYMENT_SIMULATOR = env_bool("PAYMENT_SIMULATOR", True)
ALTCHA_WIDGET_I18N = True
ALTCHA_WIDGET_DEFAULTS = {"type": "checkbox", "display": "standard", "language": "fr"}
ALTCHA_CHALLENGE = {"cost": int(env("ALTCHA_COST", "5000"))}

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
# Private files (photos, supporting documents) live outside MEDIA_ROOT: no URL serves them directly,
# only views that check the family.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": PRIVATE_MEDIA_ROOT}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# With S3_MEDIA_BUCKET and S3_PRIVATE_BUCKET, both on S3-compatible object storage (cms/object_storage.py).
STORAGES.update(object_storages(os.environ))
PHONENUMBER_DEFAULT_REGION = "FR"
PHONENUMBER_DEFAULT_FORMAT = "NATIONAL"

# Email: SMTP from EMAIL_URL (smtp://user:pass@host:587/?tls=True), otherwise files in var/mail.
EMAIL_URL = env("EMAIL_URL")
if EMAIL_URL:
    vars().update(dj_email_url.parse(EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Portail citoyen <nepasrepondre@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# SMS (notifications/sms.py): through Brevo from SMS_URL (brevo://API_KEY@api.brevo.com), otherwise files in var/sms;
# «none:» sends none (the message forms then offer e-mail only). The sender the phones show: 3 to 11 letters.
SMS_URL = env("SMS_URL", "")
SMS_FILE_PATH = VAR_DIR / "sms"
SMS_SENDER = env("SMS_SENDER", "Mairie")

WAGTAIL_SITE_NAME = "Portail Famille"
WAGTAILADMIN_BASE_URL = PUBLIC_URL
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français")]
# Staff read every time in the portal's own zone, that of its deadlines and digests. Without this list Wagtail
# offers every name of the system's zone database, where Debian adds «localtime» (a link to the server's own
# zone), which no browser knows: the account page failed («Invalid time zone specified: localtime») and a staff
# member who chose it read the server's times. With a single zone the account page offers no choice.
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Staff avatars are not fetched from Gravatar: no address of ours leaves for a third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# No script of ours reads the CSRF cookie (forms carry the token).
CSRF_COOKIE_HTTPONLY = True
# «Le formulaire a expiré», in the site's layout, with a link that reloads the form.
CSRF_FAILURE_VIEW = "home.errors.csrf_failure"
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(8 * 3600)))
# Supporting documents: the formats accepted (checked by content) and the largest file; the reminder before expiry.
DOCUMENT_FORMATS = env_list("DOCUMENT_FORMATS", "pdf,jpeg,png")
DOCUMENT_MAX_BYTES = int(env("DOCUMENT_MAX_BYTES", str(5 * 1024 * 1024)))
# The upload policy (commun/uploads.py): the largest photo; the largest image, in pixels, read from its header
# before anything is decoded (25 Mpx: a phone's photo or an A4 scan at 600 dpi, about 100 MB once decoded); the
# largest multipart request, refused before it is read: the largest file the portal accepts (Wagtail's images:
# 10 MB) and 1 MB for the rest of the form.
PHOTO_MAX_BYTES = int(env("PHOTO_MAX_BYTES", str(8 * 1024 * 1024)))
UPLOAD_MAX_PIXELS = int(env("UPLOAD_MAX_PIXELS", str(25_000_000)))
UPLOAD_MAX_REQUEST_BYTES = int(env("UPLOAD_MAX_REQUEST_BYTES", str(11 * 1024 * 1024)))
DOCUMENT_REMINDER_DAYS = int(env("DOCUMENT_REMINDER_DAYS", "30"))
# Billing: an online payment left open longer than the bank's page lives (PayFiP: about 20 minutes) is closed,
# after asking the bank, before another one starts; a counter payment may exceed what the family owes by at most
# this many euros (the rest becomes the family's credit), beyond which it is taken for a typing error.
ONLINE_PAYMENT_TIMEOUT_MINUTES = int(env("ONLINE_PAYMENT_TIMEOUT_MINUTES", "20"))
COUNTER_OVERPAYMENT_TOLERANCE = env("COUNTER_OVERPAYMENT_TOLERANCE", "50.00")
# Retention (manage.py retention, daily): families and accounts unused for three years are anonymised or
# deleted; the contents of sent e-mails are erased after 90 days.
RETENTION_INACTIVE_DAYS = int(env("RETENTION_INACTIVE_DAYS", str(3 * 365)))
RETENTION_OUTBOX_DAYS = int(env("RETENTION_OUTBOX_DAYS", "90"))
# A signed-in session ends after 30 minutes without a request and 8 hours after the login (cms/security.py).
SESSION_IDLE_SECONDS = int(env("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_ABSOLUTE_SECONDS = int(env("SESSION_ABSOLUTE_SECONDS", str(8 * 3600)))

# FranceConnect (OpenID Connect, platform v2): off until the municipality's client is set. The issuer is the
# platform's address that FranceConnect's partner space gives (its discovery document is read from it).
FRANCECONNECT_CLIENT_ID = env("FRANCECONNECT_CLIENT_ID", "")
FRANCECONNECT_CLIENT_SECRET = env("FRANCECONNECT_CLIENT_SECRET", "")
FRANCECONNECT_ISSUER = env("FRANCECONNECT_ISSUER", "https://oidc.franceconnect.gouv.fr/api/v2")
# Only what the account needs: names, civility and the e-mail address.
FRANCECONNECT_SCOPE = env("FRANCECONNECT_SCOPE", "openid given_name family_name gender email")
FRANCECONNECT_ACR = env("FRANCECONNECT_ACR", "eidas1")


# Content security policy (django-csp): no inline script or style anywhere on the portal; scripts, styles,
# fonts and images come from the site itself. Embeds in CMS pages come from the hosts listed in CSP_FRAME_SRC.
ADMIN_PATH_PREFIX = "/admin/"
# Addresses whose pages are never stored by a browser or a proxy (cms/security.py).
PRIVATE_PATH_PREFIXES = (
    "/mon-espace/",
    "/espace-famille/",
    "/espace-facturation/",
    "/pre-inscription-creche/",
    "/compte/",
    ADMIN_PATH_PREFIX,
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # The anti-robot widget computes its proof of work in a worker it creates from a blob; the portal's service
        # worker (/sw.js) keeps the «hors ligne» page and the last planning seen (home/pwa.py).
        "worker-src": ["'self'", "blob:"],
        "manifest-src": ["'self'"],
        "frame-src": ["'self'", *env_list("CSP_FRAME_SRC")],
        "frame-ancestors": ["'none'"],
        # FranceConnect's origin is added when it is configured (cms/security.py).
        "form-action": ["'self'", *env_list("CSP_FORM_ACTION")],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# The Wagtail admin's screens set some inline styles (never scripts).
CSP_ADMIN_UPDATE = {"style-src": ["'unsafe-inline'"]}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Secrets in addresses (activation, reset, calendar feed...) are masked in every line (cms/logs.py).
    "filters": {"redact_tokens": {"()": "cms.logs.RedactTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One JSON line per request (cms/request_log.py), whatever LOG_LEVEL says of the rest; REQUEST_LOG_LEVEL=WARNING
        # silences it.
        "portail.requests": {"level": env("REQUEST_LOG_LEVEL", "INFO")},
    },
}
