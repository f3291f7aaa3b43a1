"""Set-based writes for imports and generators: rows as tuples straight into the table.

The ORM's ``bulk_create`` builds a model instance and prepares every value through its field,
about a hundred microseconds a row. Here the caller hands ready values (ciphertexts and blind
indexes already computed) and they go in with ``executemany`` on SQLite and ``COPY`` on
PostgreSQL. Only for trusted, already validated data inside a service's transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence

from django.db import connection, models


def _sqlite_value(value):
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _pg_value(value):
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def raw_insert(model: type[models.Model], fields: Sequence[str],
               rows: Iterable[Sequence], batch_size: int = 5000) -> int:
    """Insert ``rows`` (tuples in the order of ``fields``, attnames like ``region_id``)."""
    meta = model._meta
    columns = [meta.get_field(f).column for f in fields]  # get_field knows attnames too
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    column_sql = ", ".join(quote(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({column_sql}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([_pg_value(v) for v in row])
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({column_sql}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        batch = []
        for row in rows:
            batch.append([_sqlite_value(v) for v in row])
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
