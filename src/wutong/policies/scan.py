"""The scan (免申即享): every published benefit over the whole registry at once.

``scan_run`` fills the candidate table (``policies.candidates``: one INSERT … SELECT per
benefit, then exclusion groups), and diffs it against the live entitlements in four
statements: open offers no longer found are superseded, amounts changed are updated (the old
amount kept), new ones inserted; a ``ScanRun`` records the counts, per benefit too. Accepted
and dismissed entitlements are left as the talent decided. Running it twice changes nothing.
"""

# SQL here is built from table names of this app and integer ids only; every value is a bound
# parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction
from django.utils import timezone

from wutong.core.audit import audit_log
from wutong.core.models.audit import AuditAction
from wutong.policies import candidates, maskscan
from wutong.policies.engine import published_specs
from wutong.policies.models import Benefit, Entitlement, ScanRun

log = logging.getLogger("wutong.policies.scan")


@contextmanager
def _timed(step: str):
    start = time.perf_counter()
    yield
    log.info("scan step %s: %.2f s", step, time.perf_counter() - start)


def today() -> dt.date:
    return timezone.localdate()


def scan_run(*, region=None, on: dt.date | None = None, user=None, trigger: str = "manual",
             progress=None) -> ScanRun:
    """Scan the published benefits of ``region`` (its subtree; all when None) on ``on``."""
    on = on or today()
    started = time.perf_counter()
    benefits = Benefit.objects.all()
    if region is not None:
        benefits = benefits.filter(region__path__startswith=region.path)
    with transaction.atomic():
        run = ScanRun.objects.create(on_date=on, started_by=user, trigger=trigger,
                                     region=region)
        specs = published_specs(benefits, on)
        scope_ids = list(benefits.values_list("pk", flat=True))
        if connection.vendor == "postgresql":
            # Hash joins of millions of candidates against the entitlements, and the sort of
            # the new ones into the unique index's order, stay in memory (this transaction
            # only; 3.4M candidates need about 400 MB to sort).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '512MB'")
        masks = maskscan.usable(specs)
        if masks:  # the usual case: candidates stay bit masks (policies/maskscan.py)
            with _timed("masks"):
                found = maskscan.prepare(specs, on)
            if progress:
                progress(len(specs))
        else:  # more benefits than one mask holds: candidates written as rows
            candidates.reset_table()
            with _timed("candidates"):
                found = candidates.fill(specs, on, progress=progress)
            with _timed("exclusion"):
                found.update(candidates.finish(grouped=any(s.group for s in specs)))
        counts = _apply(run, scope_ids, found, masks=masks)
        if masks:
            maskscan.drop_tables()
        else:
            candidates.drop_tables()
        if connection.vendor == "postgresql" and sum(counts["totals"][1:]) > 50_000:
            # After a big change the planner's row counts of the entitlements are stale until
            # autovacuum comes by; the next scan would probe millions of rows one by one.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Entitlement._meta.db_table}")
        run.benefits = len(specs)
        run.found, run.added, run.removed, run.amount_changed = counts["totals"]
        run.per_benefit = counts["per_benefit"]
        run.finished_at = timezone.now()
        run.seconds = round(time.perf_counter() - started, 3)
        run.save()
        audit_log(actor=user, action=AuditAction.OTHER, obj=run,
                  object_repr=f"免申即享扫描 {on}", region_id=region.pk if region else None,
                  extra={"benefits": run.benefits, "added": run.added, "removed": run.removed,
                         "amount_changed": run.amount_changed})
    return run


def scan_all(*, on: dt.date | None = None, trigger: str = "nightly") -> list[ScanRun]:
    """The nightly scan: one run per place (the highest regions that have benefits), so each
    office sees its own run and its figures, never another place's."""
    from wutong.core.models import Region

    paths = sorted(set(Benefit.objects.values_list("region__path", flat=True)))
    tops = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    return [scan_run(region=region, on=on, trigger=trigger)
            for region in Region.objects.filter(path__in=tops).order_by("path")]


# A scan that at least doubles the entitlements (a place's first scan) loads them the way a
# dump is restored: without the unique and the (region, …) index, both built again after the
# insert in one sort each. On PostgreSQL, maintaining them row by row was 11 s of a 19 s first
# scan of a million talents; building them takes 2.8 s.
BULK_LOAD_MIN_ROWS = 100_000
# Dropping an index waits for everyone reading the table (an export, say) and makes every
# later reader queue behind it: if the table is not free within this time, the scan keeps
# the indexes and inserts row by row.
BULK_LOAD_LOCK_TIMEOUT = "3s"


@contextmanager
def _bulk_load(candidate_rows: int):
    """Drop the entitlements' secondary indexes around the insert when it adds at least as
    many rows as the table holds. The DDL is part of the scan's transaction: nobody else
    writes (or reads) the entitlements until it commits, and a failure restores them."""
    if connection.vendor != "postgresql" or candidate_rows < BULK_LOAD_MIN_ROWS:
        # SQLite built the (region, …) index after the insert as slowly as during it.
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {Entitlement._meta.db_table} "
                       f"LIMIT %s) t", [candidate_rows])
        held = cursor.fetchone()[0]
    if candidate_rows - held < max(BULK_LOAD_MIN_ROWS, held):
        yield
        return
    meta = Entitlement._meta
    try:
        with transaction.atomic(), connection.cursor() as cursor:  # a savepoint
            cursor.execute(f"SET LOCAL lock_timeout = '{BULK_LOAD_LOCK_TIMEOUT}'")
            with connection.schema_editor(atomic=False) as editor:
                for constraint in meta.constraints:
                    editor.remove_constraint(Entitlement, constraint)
                for index in meta.indexes:
                    editor.remove_index(Entitlement, index)
            cursor.execute("SET LOCAL lock_timeout TO DEFAULT")
    except OperationalError:  # lock not available: someone is reading the entitlements
        log.info("scan: entitlements busy, inserting without the bulk load")
        yield
        return
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    with connection.schema_editor(atomic=False) as editor:
        # Built again inside the transaction: a duplicate would fail the whole scan.
        for constraint in meta.constraints:
            editor.add_constraint(Entitlement, constraint)
        for index in meta.indexes:
            editor.add_index(Entitlement, index)


def _apply(run: ScanRun, scope_ids: list[int], found: dict[int, int], *, masks: bool) -> dict:
    ent = Entitlement._meta.db_table
    cand = candidates.TABLE
    if not scope_ids:
        return {"totals": (0, 0, 0, 0), "per_benefit": {}}
    ids = ",".join(str(int(i)) for i in scope_ids)
    diff = candidates.DIFF
    if masks:
        differences = maskscan.diff_select(ent, ids)
        found_now = f"SELECT * FROM ({maskscan.CANDIDATES}) c"
    else:
        differences = (
            f"SELECT e.id AS id, CASE WHEN c.talent_id IS NULL THEN 's' ELSE 'c' END AS action, "
            f"c.amount AS amount, c.tier AS tier, c.version_id AS version_id "
            f"FROM {ent} e LEFT JOIN {cand} c ON c.side = 0 AND c.talent_id = e.talent_id "
            f"AND c.benefit_id = e.benefit_id "
            f"WHERE e.benefit_id IN ({ids}) AND e.status IN ('new', 'offered') "
            f"AND (c.talent_id IS NULL OR c.amount <> e.amount_fen OR c.tier <> e.tier "
            f"OR c.version_id <> e.rule_version_id)")
        found_now = f"SELECT * FROM {cand} c WHERE c.side = 0"
    with connection.cursor() as cursor, _timed("diff"):
        # One join of the live offers against the candidates finds both the offers no longer
        # found ('s') and those whose amount, tier or rule version changed ('c'); the small
        # table of differences is then applied by primary key.
        cursor.execute(f"DROP TABLE IF EXISTS {diff}")
        cursor.execute(f"CREATE TEMPORARY TABLE {diff} AS {differences}")
    with connection.cursor() as cursor, _timed("superseded"):
        cursor.execute(
            f"UPDATE {ent} SET status = 'superseded', ended_run_id = %s FROM {diff} d "
            f"WHERE {ent}.id = d.id AND d.action = 's' RETURNING {ent}.benefit_id", [run.pk])
        removed = Counter(b for (b,) in cursor.fetchall())
    with connection.cursor() as cursor, _timed("changed"):
        cursor.execute(
            f"UPDATE {ent} SET "
            f"changed_run_id = CASE WHEN amount_fen <> d.amount THEN %s "
            f"ELSE changed_run_id END, "
            f"previous_amount_fen = CASE WHEN amount_fen <> d.amount THEN amount_fen "
            f"ELSE previous_amount_fen END, "
            f"amount_fen = d.amount, tier = d.tier, rule_version_id = d.version_id "
            f"FROM {diff} d WHERE {ent}.id = d.id AND d.action = 'c' "
            f"RETURNING {ent}.benefit_id, {ent}.changed_run_id", [run.pk])
        changed = Counter(b for b, changed_run in cursor.fetchall() if changed_run == run.pk)
        cursor.execute(f"DROP TABLE {diff}")
    with connection.cursor() as cursor, _timed("added"), _bulk_load(sum(found.values())):
        # Insert the candidates no live entitlement holds, in the unique index's order (the
        # probe is written exactly as the partial unique index's condition, so SQLite uses
        # that index), and count them per benefit without carrying millions of rows back:
        # PostgreSQL counts the inserted rows in the same statement; SQLite returns ids.
        columns = ("talent_id, benefit_id, region_id, rule_version_id, tier, amount_fen, "
                   "found_on, status, found_run_id")
        fresh = (f"SELECT f.talent_id, f.benefit_id, f.region_id, f.version_id, f.tier, "
                 f"f.amount FROM ({found_now}) f WHERE NOT EXISTS (SELECT 1 FROM {ent} e "
                 f"WHERE e.talent_id = f.talent_id AND e.benefit_id = f.benefit_id "
                 f"AND NOT (e.status = 'superseded'))")
        if connection.vendor == "postgresql":
            # The anti-join is planned on its own (MATERIALIZED): with the ORDER BY in the
            # same query PostgreSQL walked the candidates' index row by row.
            cursor.execute(
                f"WITH fresh AS MATERIALIZED ({fresh}), added AS (INSERT INTO {ent} ({columns}) "
                f"SELECT f.*, %s, 'new', %s FROM fresh f ORDER BY f.talent_id, f.benefit_id "
                f"RETURNING benefit_id) SELECT benefit_id, count(*) FROM added "
                f"GROUP BY benefit_id", [run.on_date, run.pk])
            added = Counter(dict(cursor.fetchall()))
        else:
            cursor.execute(f"INSERT INTO {ent} ({columns}) SELECT f.*, %s, 'new', %s "
                           f"FROM ({fresh}) f ORDER BY f.talent_id, f.benefit_id "
                           f"RETURNING benefit_id", [run.on_date, run.pk])
            added = Counter(b for (b,) in cursor.fetchall())
    per_benefit = {}
    for pk in set(found) | set(removed) | set(changed):
        per_benefit[str(pk)] = {"found": int(found.get(pk, 0)), "added": added.get(pk, 0),
                                "removed": removed.get(pk, 0),
                                "amount_changed": changed.get(pk, 0)}
    totals = tuple(sum(v[k] for v in per_benefit.values())
                   for k in ("found", "added", "removed", "amount_changed"))
    return {"totals": totals, "per_benefit": per_benefit}
