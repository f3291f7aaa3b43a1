"""The scan's candidates kept as bit masks, never written out as rows.

On PostgreSQL, for up to ``candidates.MASK_BITS`` benefits (an office has a few dozen), one
pass over the registry gives each talent a bit mask of the benefits whose whole condition holds
(``candidates._fill_masks``); exclusion groups are settled on the mask itself (of a group's
bits set on a row, only the highest amount for the talent's tier stays, ties to the older
benefit — the order depends only on the tier, so it is a fixed CASE per group). A small table
of the benefits (bit, tier, total) then turns a mask row into candidate rows inside the
statements that need them: the diff against the live entitlements and the insert of the new
ones. Writing 3.4 million candidate rows into a scratch table (and indexing it) was half of a
scan on PostgreSQL.

``CANDIDATES`` is that expansion as a subquery; ``DIFF_SOURCE`` joins the live offers to the
masks. The scan (``scan._apply``) uses them the way it uses the row table otherwise.
"""

# SQL here is built from table names of this app and integer bits only; every value is a
# bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt

from django.db import connection

from wutong.policies import candidates
from wutong.policies.engine import BenefitSpec

MASKS = candidates.MASKS
SPECS = "wt_policy_spec"

CANDIDATES = (
    f"SELECT m.talent_id AS talent_id, s.benefit_id AS benefit_id, m.region_id AS region_id, "
    f"s.version_id AS version_id, COALESCE(t.tier, '') AS tier, "
    f"COALESCE(t.amount, s.amount) AS amount "
    f"FROM {MASKS} m JOIN {SPECS} s ON s.tier = '' AND (m.mask & s.bit) <> 0 "
    f"LEFT JOIN {SPECS} t ON t.benefit_id = s.benefit_id AND t.tier <> '' "
    f"AND t.tier = m.category")


def diff_select(ent: str, ids: str) -> str:
    """The open offers of the benefits ``ids`` that are no longer found ('s') or whose
    amount, tier or rule version changed ('c'), with what the scan found now."""
    held = "(s.benefit_id IS NOT NULL AND m.talent_id IS NOT NULL AND (m.mask & s.bit) <> 0)"
    return (
        f"SELECT e.id AS id, CASE WHEN {held} THEN 'c' ELSE 's' END AS action, "
        f"COALESCE(t.amount, s.amount) AS amount, COALESCE(t.tier, '') AS tier, "
        f"s.version_id AS version_id "
        f"FROM {ent} e LEFT JOIN {SPECS} s ON s.benefit_id = e.benefit_id AND s.tier = '' "
        f"LEFT JOIN {MASKS} m ON m.talent_id = e.talent_id "
        f"LEFT JOIN {SPECS} t ON t.benefit_id = e.benefit_id AND t.tier <> '' "
        f"AND t.tier = m.category "
        f"WHERE e.benefit_id IN ({ids}) AND e.status IN ('new', 'offered') "
        f"AND (NOT {held} OR COALESCE(t.amount, s.amount) <> e.amount_fen "
        f"OR COALESCE(t.tier, '') <> e.tier OR s.version_id <> e.rule_version_id)")


# Where the masks pay: PostgreSQL writes rows slowly and joins fast. SQLite writes the
# candidate rows quickly but evaluates the mask × benefit join row by row (a first scan of
# 1M × 30 took 28 s instead of 12), so it keeps the row table.
VENDORS = {"postgresql"}


def usable(specs: list[BenefitSpec]) -> bool:
    return (connection.vendor in VENDORS
            and len([s for s in specs if s.totals]) <= candidates.MASK_BITS)


def prepare(specs: list[BenefitSpec], on: dt.date) -> dict[int, int]:
    """Fill the masks and the benefit table; returns the candidates found per benefit (after
    exclusion groups). Only when ``usable(specs)``."""
    live = [s for s in specs if s.totals]  # no amount in force: nobody
    with connection.cursor() as cursor:
        for table in (MASKS, SPECS):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TEMPORARY TABLE {MASKS} (talent_id bigint NOT NULL, "
                       "region_id bigint NOT NULL, category varchar(20), mask bigint NOT NULL)")
        cursor.execute(f"CREATE TEMPORARY TABLE {SPECS} (bit bigint NOT NULL, "
                       "benefit_id bigint NOT NULL, version_id bigint, tier varchar(20) NOT NULL, "
                       "amount bigint NOT NULL)")
    if not live:
        return {}
    candidates._fill_masks(live, on)
    _keep_group_winners(live)
    rows = []
    for bit, spec in enumerate(live):
        rows += [(1 << bit, spec.pk, spec.version_id, t, v) for t, v in spec.totals.items() if t]
        rows.append((1 << bit, spec.pk, spec.version_id, "", spec.totals.get("", 0)))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {SPECS} (bit, benefit_id, version_id, tier, amount) "
                           "VALUES (%s, %s, %s, %s, %s)", rows)
        cursor.execute(f"CREATE INDEX {MASKS}_talent ON {MASKS} (talent_id)")
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {MASKS}")  # autovacuum never analyzes temporary tables
            cursor.execute(f"ANALYZE {SPECS}")
        sums = ", ".join(f"SUM(CASE WHEN (mask & {1 << bit:d}) <> 0 THEN 1 ELSE 0 END)"
                         for bit in range(len(live)))
        cursor.execute(f"SELECT {sums} FROM {MASKS}")
        counts = cursor.fetchone()
    return {spec.pk: int(counts[bit] or 0) for bit, spec in enumerate(live)}


def drop_tables() -> None:
    with connection.cursor() as cursor:
        for table in (MASKS, SPECS):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _keep_group_winners(live: list[BenefitSpec]) -> None:
    """Of each exclusion group, keep on every mask only the bit of the benefit with the highest
    amount for the row's tier (ties: the older benefit), as ``candidates.finish`` does with
    rows. Rows with at most one bit of a group are left alone (x & (x - 1) = 0)."""
    groups: dict[str, list[tuple[int, BenefitSpec]]] = {}
    for bit, spec in enumerate(live):
        if spec.group:
            groups.setdefault(spec.group, []).append((1 << bit, spec))
    for members in groups.values():
        if len(members) < 2:
            continue
        all_bits = sum(b for b, _s in members)
        tiers = sorted({t for _b, s in members for t in s.totals if t})

        def clear_bits(category: str | None, members=members, all_bits=all_bits) -> str:
            def rank(member):
                found = member[1].total_for(category)
                return (-(found[1] if found else -1), member[1].pk)

            order = sorted(members, key=rank)
            return ("CASE " + "".join(f"WHEN (mask & {b:d}) <> 0 THEN {all_bits - b:d} "
                                      for b, _s in order) + "ELSE 0 END")

        expr = clear_bits(None)
        if tiers:
            expr = ("CASE " + "".join(f"WHEN category = %s THEN {clear_bits(t)} "
                                      for t in tiers) + f"ELSE {expr} END")
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {MASKS} SET mask = mask - (mask & ({expr})) "
                f"WHERE ((mask & {all_bits:d}) & ((mask & {all_bits:d}) - 1)) <> 0", tiers)
