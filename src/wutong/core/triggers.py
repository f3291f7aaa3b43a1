"""Install or remove the audit log's append-only triggers outside migrations.

Used by the test suite around database flushes (SQLite's flush is a DELETE, which the trigger
rightly refuses) and by operators restoring a backup.
"""

from __future__ import annotations

from django.db import connection


def _migration_module():
    import importlib

    return importlib.import_module("wutong.core.migrations.0002_audit_append_only")


def install_triggers() -> None:
    mod = _migration_module()
    with connection.cursor() as cursor:
        for sql in {"sqlite": mod.SQLITE, "postgresql": mod.POSTGRES}.get(connection.vendor, []):
            cursor.execute(sql)


def remove_triggers() -> None:
    mod = _migration_module()
    with connection.cursor() as cursor:
        for sql in {"sqlite": mod.SQLITE_DROP, "postgresql": mod.POSTGRES_DROP}.get(
                connection.vendor, []):
            cursor.execute(sql)
