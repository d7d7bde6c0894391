"""Configuration classes, driven by environment variables.

`DATABASE_URL` selects the database; without it an SQLite file under
`instance/` is used. Production refuses to start without a real SECRET_KEY.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"

_DEV_SECRET = "dev-only-secret-not-for-production"


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Accept the common postgres:// spelling and use psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET)
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'zhaoshang.sqlite3'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    # Sessions and cookies.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    IDLE_TIMEOUT_MINUTES = int(os.environ.get("IDLE_TIMEOUT_MINUTES", "120"))

    # CSRF: forms send a hidden field, htmx/JSON calls the X-CSRFToken header.
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_HEADERS = ["X-CSRFToken", "X-CSRF-Token"]

    # Language: Chinese first, English through Babel.
    BABEL_DEFAULT_LOCALE = "zh_CN"
    # The one clock's zone (app/clock.py): every "today" and "now" shown or checked.
    APP_TIMEZONE = os.environ.get("APP_TIMEZONE", "Asia/Shanghai")
    BABEL_DEFAULT_TIMEZONE = APP_TIMEZONE
    # One lead's or project's amount above this (万元; default 1,000 亿元) is
    # saved only after the person confirms it (app/forms.MoneyField guard).
    MONEY_CONFIRM_ABOVE = int(os.environ.get("MONEY_CONFIRM_ABOVE", "10000000"))
    # District-wide reports read the rollups kept with the report facts
    # (app/rollups.py); off, they sum the facts themselves — the same numbers.
    REPORT_ROLLUPS = True
    # How long one app process keeps the working-day overrides (app/workdays.py).
    WORKDAY_CACHE_SECONDS = int(os.environ.get("WORKDAY_CACHE_SECONDS", "300"))
    LANGUAGES = {"zh_CN": "中文", "en": "English"}

    # Uploads.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(20 * 1024 * 1024)))
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))

    # A creator may delete a record outright this soon after creating it.
    HARD_DELETE_MINUTES = 10

    # Excel imports.
    IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
    IMPORT_MAX_ROWS = 20000
    # Bounds on what one ledger may make the server read (app/imports/sheets.py).
    IMPORT_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("IMPORT_MAX_UNCOMPRESSED_BYTES", str(100 * 1024 * 1024)))
    IMPORT_MAX_COLUMNS = 200
    # A preview can be committed for this long; then it is purged with its file.
    IMPORT_PREVIEW_HOURS = int(os.environ.get("IMPORT_PREVIEW_HOURS", "24"))
    # Keep a committed ledger's file in the database (default: only the result).
    IMPORT_KEEP_FILES = os.environ.get("IMPORT_KEEP_FILES", "") == "1"
    IMPORT_MAX_CELL_CHARS = 32767

    # Lists.
    PER_PAGE = 20
    MAX_PER_PAGE = 100

    # Lead clocks (days) — DESIGN.md, Pipelines.
    LEAD_FIRST_CONTACT_WORKDAYS = 1
    LEAD_ASSESSMENT_DAYS = 3
    LEAD_FOLLOW_UP_DAYS = 14
    LEAD_STALE_DAYS = 30

    # Status light thresholds (days) — DESIGN.md, Status light.
    LIGHT_RED_NO_UPDATE_DAYS = 30
    LIGHT_YELLOW_NO_UPDATE_DAYS = 14
    LIGHT_YELLOW_MILESTONE_DAYS = 7
    FOLLOW_THROUGH_DAYS = 30
    # Project delivery (app/delivery/schedule.py): percentage points behind the
    # time-proportional schedule (序时进度) that turn a key project yellow / red,
    # and the day of the month by which the previous month's report is due.
    LIGHT_YELLOW_BEHIND_POINTS = 10
    LIGHT_RED_BEHIND_POINTS = 30
    INVESTMENT_REPORT_DUE_DAY = 5
    # Leaders' instructions (批示): the 办理时限 a new one gets by default, and how
    # many days past it without a 反馈 turn the light red (past it: yellow).
    INSTRUCTION_DUE_DAYS = 7
    LIGHT_RED_INSTRUCTION_DAYS = 7

    # Sign-in rate limits (failures within the window), shared via the database.
    LOGIN_WINDOW_MINUTES = 15
    # Sign-in limits (app/auth/services.check_rate_limit): one account from one
    # address; growing delays for one account from new addresses; a ceiling
    # per address fit for an office behind one NAT.
    LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS = 5
    LOGIN_ACCOUNT_DELAY_AFTER = 10
    LOGIN_MAX_FAILURES_PER_IP = 300
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto to
    # trust (Werkzeug's ProxyFix); 0: none (the default; see the README).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    # JSON API bearer tokens.
    API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))  # a new token's default life

    # Notifications (issue 23): robots and e-mail are delivered by `flask notify-worker`.
    NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "")  # the links in robot messages and e-mails
    NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", "6"))  # then marked failed
    NOTIFY_RETRY_SECONDS = int(os.environ.get("NOTIFY_RETRY_SECONDS", "60"))  # doubled after each failure
    NOTIFY_SMTP_HOST = os.environ.get("NOTIFY_SMTP_HOST", "")  # empty: no e-mail
    NOTIFY_SMTP_PORT = int(os.environ.get("NOTIFY_SMTP_PORT", "25"))
    NOTIFY_SMTP_USER = os.environ.get("NOTIFY_SMTP_USER", "")
    NOTIFY_SMTP_PASSWORD = os.environ.get("NOTIFY_SMTP_PASSWORD", "")
    NOTIFY_SMTP_FROM = os.environ.get("NOTIFY_SMTP_FROM", "noreply@localhost")
    NOTIFY_SMTP_STARTTLS = os.environ.get("NOTIFY_SMTP_STARTTLS", "") == "1"

    # Password policy.
    PASSWORD_MIN_LENGTH = 10

    DEMO_DATA_ALLOWED = True


class DevelopmentConfig(Config):
    """Local development: SQLite under instance/, demo data allowed."""

    DEBUG = False


class TestingConfig(Config):
    """The test suite: a scratch database chosen by conftest."""

    TESTING = True
    SECRET_KEY = "testing-secret"
    WORKDAY_CACHE_SECONDS = None  # kept until workdays.forget(): no expiry between a test's two requests
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))
    PASSWORD_MIN_LENGTH = 10


class ProductionConfig(Config):
    """Production: PostgreSQL via DATABASE_URL, secure cookies, no demo data."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    DEMO_DATA_ALLOWED = False

    @classmethod
    def validate(cls) -> None:
        """Refuse to start with a missing or development secret key."""
        key = os.environ.get("SECRET_KEY", "")
        if not key or key == _DEV_SECRET or len(key) < 32:
            raise RuntimeError(
                "生产环境必须设置 SECRET_KEY 环境变量（至少 32 个字符的随机字符串）。"
                " Production requires a real SECRET_KEY (32+ random characters)."
            )
        cls.SECRET_KEY = key


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """The config class named by APP_ENV (default: development)."""
    name = os.environ.get("APP_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"未知的 APP_ENV：{name}（可选 development / testing / production）")
    return CONFIGS[name]
