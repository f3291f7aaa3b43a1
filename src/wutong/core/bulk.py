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


def _converter(field: models.Field, vendor: str):
    """The conversion a value of this field needs on its way in (None: none)."""
    if isinstance(field, models.JSONField):
        return lambda v: json.dumps(v, ensure_ascii=False) if v is not None else None
    if vendor != "sqlite":
        return None
    if isinstance(field, models.DateTimeField):
        cache: dict = {}  # imports stamp every row with the same time

        def adapt(value):
            if value not in cache:
                cache[value] = connection.ops.adapt_datetimefield_value(value)
            return cache[value]

        return adapt
    if isinstance(field, models.DateField):
        return lambda v: v.isoformat() if isinstance(v, dt.date) else v
    return None


def raw_insert(model: type[models.Model], fields: Sequence[str],
               rows: Iterable[Sequence], batch_size: int = 5000) -> int:
    """Insert ``rows`` (tuples in the order of ``fields``, attnames like ``region_id``)."""
    meta = model._meta
    model_fields = [meta.get_field(f) for f in fields]  # get_field knows attnames too
    columns = [f.column for f in model_fields]
    converters = [(i, c) for i, f in enumerate(model_fields)
                  if (c := _converter(f, connection.vendor)) is not None]

    def prepared(row):
        if not converters:
            return row
        row = list(row)
        for i, convert in converters:
            row[i] = convert(row[i])
        return row

    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    column_sql = ", ".join(quote(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({column_sql}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(prepared(row))
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({column_sql}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        batch = []
        for row in rows:
            batch.append(prepared(row))
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
