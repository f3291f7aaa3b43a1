"""Set-based evaluation of benefits over the registry into a scratch table.

Each benefit is one ``INSERT … SELECT`` of the talents its compiled rule keeps, with the total
of their tier. Benefits of an exclusion group go to a staging table first; one more statement
keeps only each person's highest of a group (a window function, ties to the older benefit).
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
from django.db.models import BigIntegerField, Case, CharField, ExpressionWrapper, F, Value, When

from wutong.policies.engine import BenefitSpec
from wutong.policies.rules import compile_rule

TABLE = "wt_policy_candidate"
STAGING = "wt_policy_grouped"
COLUMNS = "side, talent_id, region_id, benefit_id, version_id, tier, amount, grp, keep"


def reset_table() -> None:
    with connection.cursor() as cursor:
        for table in (TABLE, STAGING):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE TEMPORARY TABLE {table} (side integer NOT NULL, "
                           "talent_id bigint NOT NULL, region_id bigint NOT NULL, "
                           "benefit_id bigint NOT NULL, version_id bigint, "
                           "tier varchar(20) NOT NULL, amount bigint NOT NULL, "
                           "grp varchar(40) NOT NULL, keep integer NOT NULL)")


def drop_tables() -> None:
    with connection.cursor() as cursor:
        for table in (TABLE, STAGING):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


def candidate_queryset(spec: BenefitSpec, on: dt.date):
    """Talents the spec's rule keeps on ``on``, with the tier used and the term total."""
    from wutong.talents.models import Talent

    tiers = {t: total for t, total in spec.totals.items() if t}
    region = F("region_id")
    if connection.vendor == "sqlite" and len(spec.region_ids) > 3:
        # SQLite keeps no statistics here and would walk the (region, …) indexes for a city's
        # benefit, then fetch most rows one by one; "+ 0" makes it read the table in order.
        region = ExpressionWrapper(F("region_id") + 0, output_field=BigIntegerField())
    qs = Talent.objects.alias(c_region=region).filter(is_active=True,
                                                      c_region__in=list(spec.region_ids))
    qs = qs.filter(compile_rule(spec.rule, on=on))
    if "" not in spec.totals:
        qs = qs.filter(category__in=list(tiers))
    default_total = spec.totals.get("", 0)
    amount = Case(*(When(category=t, then=Value(v)) for t, v in tiers.items()),
                  default=Value(default_total), output_field=BigIntegerField())
    tier = Case(*(When(category=t, then=Value(t)) for t in tiers), default=Value(""),
                output_field=CharField())
    return qs.annotate(c_t=F("pk"), c_r=F("region_id"), c_tier=tier, c_amount=amount) \
        .values("c_t", "c_r", "c_tier", "c_amount").order_by()


def fill(specs: list[BenefitSpec], on: dt.date, *, side: int = 0,
         progress=None) -> dict[int, int]:
    """Write every spec's candidates (one statement each); returns the rows written per
    benefit outside exclusion groups (those of groups are counted by ``finish``)."""
    written: dict[int, int] = {}
    for i, spec in enumerate(specs):
        if not spec.totals:
            continue  # no amount in force on this date: nobody gets it
        sql, params = candidate_queryset(spec, on).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {STAGING if spec.group else TABLE} ({COLUMNS}) "
                f"SELECT %s, s.c_t, s.c_r, %s, %s, s.c_tier, s.c_amount, %s, 1 FROM ({sql}) s",
                [side, spec.pk, spec.version_id, spec.group, *params])
            if not spec.group:
                written[spec.pk] = cursor.rowcount
        if progress:
            progress(i + 1)
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
    return dict(kept)
