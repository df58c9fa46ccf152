"""Configuration: defaults, then TRACKER_* environment variables, then the caller's overrides."""

import os
import secrets
from pathlib import Path

from tracker.db import make_private

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO_ROOT / "data"

DEFAULTS: dict[str, object] = {
    "DATA_DIR": str(DEFAULT_DATA_DIR),
    "DATABASE_URL": "",  # empty: SQLite file in DATA_DIR
    "SECRET_KEY": "",  # empty: generated once and kept in DATA_DIR/secret_key
    "IDLE_MINUTES": 30,
    "ABSOLUTE_HOURS": 12,  # a session ends this long after its sign-in, however active the person was
    "SIGNIN_ADDRESS_LIMIT": 30,  # failed sign-ins per client address per 15 minutes, across all accounts
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "PAGE_SIZE": 25,
    "API_RATE_LIMIT": "600/minute",  # requests a personal access token may make (limits' notation: "10000/hour")
    "SECURE_COOKIES": False,  # force Secure cookies; otherwise Secure whenever the request came over HTTPS
    "PROXY_FIX": False,  # trust one proxy's X-Forwarded-* headers (gunicorn behind nginx)
    "LOG_LEVEL": "INFO",  # the tracker's own log (one line per request, jobs, security events), to stderr
    "SERVER_TIMING": False,  # a Server-Timing header on every response: wall and CPU ms, SQL statements
    "COLLECT_BETWEEN_REQUESTS": True,  # garbage collection only between requests (tracker/gc_between_requests.py)
    "BASE_URL": "http://127.0.0.1:5000",  # where people reach the app: the links in emails and calendar events
    "SMTP_HOST": "",  # empty: no email is sent (reminders stay in the app)
    "SMTP_PORT": 587,
    "SMTP_TLS": "starttls",  # starttls, ssl (implicit TLS, usually port 465) or none (a relay on loopback)
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
    "SMTP_FROM": "tracker@localhost",
    "SMTP_TIMEOUT": 20,  # seconds
    "SWEEP_SECONDS": 300,  # how often the scheduler sweeps for reminders
    "MAIL_SECONDS": 30,  # how often it emails the reminders made since
    "BADGE_SECONDS": 30,  # how often a page asks for the unread reminders count
    "DIGEST_HOUR": 7,  # the daily digest's hour, UTC
    "STATISTICS_HOUR": 3,  # the hour (UTC) the database statistics are refreshed daily (ANALYZE)
    # Uploaded files: asset versions, training material, evidence (tracker/content.py)
    "CONTENT_MAX_MB": 20,  # the largest file a version may keep, in MiB
    "CONTENT_TYPES": "pdf,docx,xlsx,pptx,odt,ods,odp,doc,xls,ppt,md,txt,csv,png,jpg,jpeg,gif,webp",  # extensions
    "CONTENT_STORE": "database",  # database, or directory: files under CONTENT_DIR (one host, or a shared disk)
    "CONTENT_DIR": "",  # empty: DATA_DIR/content
    "CONTENT_SCAN_COMMAND": "",  # e.g. "clamdscan --no-summary -": the file on stdin; exit 0 clean, 1 refused
    "CONTENT_SCAN_SECONDS": 60,
    # Backups (tracker/backup/): `flask backup`, and daily by the scheduler when BACKUP_HOUR is set
    "BACKUP_HOUR": "",  # empty: no scheduled backup; else the hour (UTC, 0-23) of the daily one
    "BACKUP_KEEP": 14,  # the scheduled backup keeps this many newest backups and deletes the older ones
    "BACKUP_DIR": "",  # empty: DATA_DIR/backups
    "BACKUP_PG_BINDIR": "",  # empty: pg_dump, pg_restore and psql matching the server (/usr/lib/postgresql/<major>/bin)
}


def _coerce(raw: str, default: object) -> object:
    """Read an environment string as the type of its default."""
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    return raw


def load_config(overrides: dict | None = None) -> dict:
    """The effective configuration for one app instance."""
    config = dict(DEFAULTS)
    for key, default in DEFAULTS.items():
        raw = os.environ.get(f"TRACKER_{key}")
        if raw is not None and raw != "":
            config[key] = _coerce(raw, default)
    config.update(overrides or {})
    data_dir = Path(str(config["DATA_DIR"]))
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = f"sqlite:///{data_dir / 'tracker.db'}"
    if not config["CONTENT_DIR"]:
        config["CONTENT_DIR"] = str(data_dir / "content")
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = stored_secret_key(data_dir)
    return config


def stored_secret_key(data_dir: Path) -> str:
    """The key kept in DATA_DIR/secret_key (mode 0600), created on first start."""
    path = data_dir / "secret_key"
    if path.exists():
        make_private(path)
        return path.read_text().strip()
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL: two workers starting at once must not each write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
