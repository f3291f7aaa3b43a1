"""Set-based evaluation of benefits over the registry into a scratch table.

One pass over the registry gives every talent row a bit mask of the benefits whose compiled
rule holds (up to 62 benefits a pass); then each benefit is one ``INSERT … SELECT`` from that
narrow mask table, with the total of the talent's tier. Benefits of an exclusion group go to a
staging table first; one more statement keeps only each person's highest of a group (a window
function, ties to the older benefit).
The scan diffs this table against the entitlements; the simulation aggregates two sides of
it. No Python loop over people anywhere.
"""

# SQL here is built from table names of this app and integer ids only; every value is a bound
# parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    ExpressionWrapper,
    F,
    Q,
    Value,
    When,
)

from wutong.policies.engine import BenefitSpec
from wutong.policies.rules import compile_rule

TABLE = "wt_policy_candidate"
STAGING = "wt_policy_grouped"
MASKS = "wt_policy_mask"
DIFF = "wt_policy_diff"
COLUMNS = "side, talent_id, region_id, benefit_id, version_id, tier, amount, grp, keep"
MASK_BITS = 62


def reset_table() -> None:
    with connection.cursor() as cursor:
        for table in (TABLE, STAGING):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE TEMPORARY TABLE {table} (side integer NOT NULL, "
                           "talent_id bigint NOT NULL, region_id bigint NOT NULL, "
                           "benefit_id bigint NOT NULL, version_id bigint, "
                           "tier varchar(20) NOT NULL, amount bigint NOT NULL, "
                           "grp varchar(40) NOT NULL, keep integer NOT NULL)")
        cursor.execute(f"DROP TABLE IF EXISTS {MASKS}")
        cursor.execute(f"CREATE TEMPORARY TABLE {MASKS} (talent_id bigint NOT NULL, "
                       "region_id bigint NOT NULL, category varchar(20), mask bigint NOT NULL)")


def drop_tables() -> None:
    with connection.cursor() as cursor:
        for table in (TABLE, STAGING, MASKS, DIFF):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _region_column(region_ids):
    if connection.vendor == "sqlite" and len(region_ids) > 3:
        # SQLite keeps no statistics here and would walk the (region, …) indexes for a city's
        # benefit, then fetch most rows one by one; "+ 0" makes it read the table in order.
        return ExpressionWrapper(F("region_id") + 0, output_field=BigIntegerField())
    return F("region_id")


def _held(spec: BenefitSpec, on: dt.date) -> Q:
    """The whole condition of one benefit on one talent row: its places, its rule, a tier
    with an amount."""
    held = Q(region_id__in=list(spec.region_ids)) & compile_rule(spec.rule, on=on)
    if "" not in spec.totals:
        held &= Q(category__in=[t for t in spec.totals if t])
    return held


def _fill_masks(specs: list[BenefitSpec], on: dt.date) -> None:
    """One pass over the registry for up to ``MASK_BITS`` benefits: each talent row of their
    places gets a bit mask of the benefits whose whole condition holds (reading a million wide
    rows thirty times was most of a scan)."""
    from wutong.talents.models import Talent

    regions = sorted(set().union(*(s.region_ids for s in specs)))
    mask = Value(0, output_field=BigIntegerField())
    for bit, spec in enumerate(specs):
        mask = mask + Case(When(_held(spec, on), then=Value(1 << bit)),
                           default=Value(0), output_field=BigIntegerField())
    qs = (Talent.objects.alias(c_region=_region_column(regions))
          .filter(is_active=True, c_region__in=regions)
          .annotate(c_t=F("pk"), c_r=F("region_id"), c_cat=F("category"), c_mask=mask)
          .values("c_t", "c_r", "c_cat", "c_mask").order_by())
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {MASKS}")
        cursor.execute(f"INSERT INTO {MASKS} (talent_id, region_id, category, mask) "
                       f"SELECT s.c_t, s.c_r, s.c_cat, s.c_mask FROM ({sql}) s", params)


def _tier_sql(spec: BenefitSpec) -> tuple[str, str, list]:
    """SQL for the tier used and the term total of a mask row, with their parameters."""
    tiers = [(t, v) for t, v in spec.totals.items() if t]
    if not tiers:
        return "''", "%s", [spec.totals.get("", 0)]
    tier = "CASE " + "".join("WHEN category = %s THEN %s " for _t in tiers) + "ELSE '' END"
    amount = ("CASE " + "".join("WHEN category = %s THEN %s " for _t in tiers)
              + "ELSE %s END")
    params = [x for t, _v in tiers for x in (t, t)]
    params += [x for t, v in tiers for x in (t, v)] + [spec.totals.get("", 0)]
    return tier, amount, params


def fill(specs: list[BenefitSpec], on: dt.date, *, side: int = 0,
         progress=None) -> dict[int, int]:
    """Write every spec's candidates; returns the rows written per benefit outside exclusion
    groups (those of groups are counted by ``finish``). The registry is read once per
    ``MASK_BITS`` benefits; each benefit is then one statement over the narrow mask table."""
    written: dict[int, int] = {}
    live = [(i, s) for i, s in enumerate(specs) if s.totals]  # no amount in force: nobody
    for start in range(0, len(live), MASK_BITS):
        chunk = live[start:start + MASK_BITS]
        _fill_masks([s for _i, s in chunk], on)
        for bit, (i, spec) in enumerate(chunk):
            tier, amount, params = _tier_sql(spec)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {STAGING if spec.group else TABLE} ({COLUMNS}) "
                    f"SELECT %s, talent_id, region_id, %s, %s, {tier}, {amount}, %s, 1 "
                    f"FROM {MASKS} WHERE (mask & {1 << bit:d}) <> 0",
                    [side, spec.pk, spec.version_id, *params, spec.group])
                if not spec.group:
                    written[spec.pk] = cursor.rowcount
            if progress:
                progress(i + 1)
    if progress and specs:
        progress(len(specs))
    return written


def finish(*, grouped: bool) -> dict[int, int]:
    """Keep only each person's highest benefit of an exclusion group, then index the table
    for the diff (rows in the table are all kept: ``keep`` is 1). Returns the rows kept per
    benefit of a group."""
    kept: Counter = Counter()
    with connection.cursor() as cursor:
        if grouped:
            cursor.execute(
                f"INSERT INTO {TABLE} ({COLUMNS}) SELECT {COLUMNS} FROM (SELECT {COLUMNS}, "
                f"ROW_NUMBER() OVER (PARTITION BY side, talent_id, grp "
                f"ORDER BY amount DESC, benefit_id) AS rank_in_group FROM {STAGING}) g "
                f"WHERE g.rank_in_group = 1 RETURNING benefit_id")
            kept.update(b for (b,) in cursor.fetchall())
        cursor.execute(f"CREATE INDEX {TABLE}_tb ON {TABLE} (talent_id, benefit_id, side)")
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {TABLE}")  # autovacuum never analyzes temporary tables
    return dict(kept)
