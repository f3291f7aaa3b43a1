"""Set-based writes for imports and generators: rows as tuples straight into the table.

The ORM's ``bulk_create`` builds a model instance and prepares every value through its field,
about a hundred microseconds a row. Here the caller hands ready values (ciphertexts and blind
indexes already computed) and they go in with ``executemany`` on SQLite and ``COPY`` on
PostgreSQL. Only for trusted, already validated data inside a service's transaction.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from queue import Empty, Queue

from django.db import connection, models


def _converter(field: models.Field, vendor: str):
    """The conversion a value of this field needs on its way in (None: none)."""
    if isinstance(field, models.JSONField):
        def dump(value):
            if value is None:
                return None
            if not value and isinstance(value, list | dict):  # most rows: [] or {}
                return "[]" if isinstance(value, list) else "{}"
            return json.dumps(value, ensure_ascii=False)

        return dump
    if vendor != "sqlite":
        return None
    if isinstance(field, models.DateTimeField):
        cache: dict = {}  # imports stamp every row with the same time
        ops = connection.ops  # this thread's: the conversion may run in a producer thread

        def adapt(value):
            if value not in cache:
                cache[value] = ops.adapt_datetimefield_value(value)
            return cache[value]

        return adapt
    if isinstance(field, models.DateField):
        return lambda v: v.isoformat() if isinstance(v, dt.date) else v
    return None


def raw_insert(model: type[models.Model], fields: Sequence[str],
               rows: Iterable[Sequence], batch_size: int = 5000, *,
               ahead: bool = False) -> int:
    """Insert ``rows`` (tuples in the order of ``fields``, attnames like ``region_id``).

    ``ahead``: produce the rows (and their conversions) in a worker thread while the
    database writes the previous ones (``produced_ahead``); ``rows`` must not touch the
    database then."""
    meta = model._meta
    model_fields = [meta.get_field(f) for f in fields]  # get_field knows attnames too
    columns = [f.column for f in model_fields]
    converters = [(i, c) for i, f in enumerate(model_fields)
                  if (c := _converter(f, connection.vendor)) is not None]

    def converted(row, converters=tuple(converters)):
        if not converters:
            return row
        row = list(row)
        for i, convert in converters:
            row[i] = convert(row[i])
        return row

    prepared = converted
    if ahead:  # converted in the producer too; nothing left to do here
        rows = produced_ahead(converted(row) for row in rows)

        def prepared(row):
            return row
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    column_sql = ", ".join(quote(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg.copy import QueuedLibpqWriter

            raw = cursor.cursor
            # The queued writer sends in a thread of its own while rows are formatted here.
            with raw.copy(f"COPY {table} ({column_sql}) FROM STDIN",
                          writer=QueuedLibpqWriter(raw)) as copy:
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


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` primary keys for rows the caller is about to ``raw_insert`` with their ids,
    so children can point at them without reading the rows back.

    PostgreSQL draws them from the table's sequence (safe beside other writers). SQLite has
    one writer at a time: inside the caller's transaction (IMMEDIATE, so the write lock is
    already held) the next ids follow the highest one ever given (``sqlite_sequence``).
    """
    if count <= 0:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("allocate_ids() must run inside the transaction that inserts")
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)",
                           [sequence, count])
            return list(cursor.fetchone()[0])
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT MAX({connection.ops.quote_name(pk)}) FROM {quoted}")  # noqa: S608
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        highest = max(highest, row[0] if row else 0)
    return list(range(highest + 1, highest + 1 + count))


def produced_ahead(rows: Iterable[Sequence], *, chunk: int = 2000,
                   depth: int = 8) -> Iterator[Sequence]:
    """Yield ``rows`` while a worker thread produces the next ones.

    For rows that cost Python work each (encryption, blind indexes) on their way into a
    bulk insert: the database does its part with the interpreter lock released (SQLite's
    step, the COPY's network write), so the two overlap on two cores. The producer must not
    touch the database. An exception in it is raised here, in the caller.
    """
    queue: Queue = Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def produce() -> None:
        batch: list = []
        try:
            for row in rows:
                if stop.is_set():
                    return
                batch.append(row)
                if len(batch) >= chunk:
                    queue.put(batch)
                    batch = []
            if batch:
                queue.put(batch)
            queue.put(done)
        except BaseException as exc:  # noqa: BLE001 - handed to the consuming thread
            queue.put(exc)

    worker = threading.Thread(target=produce, name="bulk-producer", daemon=True)
    worker.start()
    try:
        while True:
            item = queue.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield from item
    finally:
        stop.set()
        while worker.is_alive():  # let a blocked producer finish its put and see the stop
            try:
                queue.get_nowait()
            except Empty:
                worker.join(timeout=0.05)


def refresh_statistics(*tables: type[models.Model]) -> None:
    """Give SQLite's planner fresh statistics after a bulk write.

    Without them it may walk a whole region's index for ``region IN (…) AND id IN (few ids)``
    instead of starting from the ids (seen at a million talents: 40 ms against 5). A sampled
    ANALYZE takes well under a second at that size. PostgreSQL's autovacuum does this itself.
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=1000")
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def mapped_in_child(func: Callable[[list], list], items: list, *, chunk: int = 5000,
                    threshold: int = 20_000, ahead: int = 3) -> Iterator:
    """``func`` over ``items`` in chunks, in one forked worker process, results in order.

    For pure, CPU-bound work on many values (encrypting a roster's personal data): the worker
    uses the second core while this process writes to the database, instead of competing with
    it for the interpreter lock. ``func`` must be a module-level function taking a list and
    returning a list of the same length, touching no database (the child inherits this
    process's connections; it never uses them and leaves without closing them). Below
    ``threshold`` items, or without ``fork``, it runs here.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if len(items) < threshold or "fork" not in multiprocessing.get_all_start_methods():
        for start in range(0, len(items), chunk):
            yield from func(items[start:start + chunk])
        return
    starts = iter(range(0, len(items), chunk))
    with ProcessPoolExecutor(max_workers=1,
                             mp_context=multiprocessing.get_context("fork")) as pool:
        # A few chunks in flight: the worker stays busy, the results wait in small numbers.
        pending = deque(pool.submit(func, items[start:start + chunk])
                        for start in itertools.islice(starts, ahead))
        try:
            while pending:
                done = pending.popleft().result()
                start = next(starts, None)
                if start is not None:
                    pending.append(pool.submit(func, items[start:start + chunk]))
                yield from done
        finally:
            for future in pending:
                future.cancel()
