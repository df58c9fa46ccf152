"""Backups: `flask backup` writes one archive (tracker-backup-<UTC time>.tar, mode 0600) holding a consistent copy
of the database, the files the directory store keeps, the secret key file and a manifest of them with their
SHA-256; `flask restore` checks an archive whole before it replaces anything; the scheduler takes one daily at
TRACKER_BACKUP_HOUR and keeps the TRACKER_BACKUP_KEEP newest.

archive.py is the file's format, sqlite.py and postgres.py copy and replace each kind of database, service.py
puts them together for the command line and the scheduler.
"""

from tracker.backup.archive import BackupError, Manifest
from tracker.backup.service import Restored, destination, prune, restore, scheduled, take

__all__ = ["BackupError", "Manifest", "Restored", "destination", "prune", "restore", "scheduled", "take"]
