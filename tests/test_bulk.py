"""Set-based writes: ids given before the rows, rows produced by a worker thread."""

from __future__ import annotations

import pytest
from django.db import transaction

from wutong.core.bulk import allocate_ids, produced_ahead, raw_insert
from wutong.core.models import Region
from wutong.talents.models import Pool


def test_rows_come_out_in_order_whatever_the_chunking():
    rows = [(i, f"r{i}") for i in range(10_007)]
    assert list(produced_ahead(iter(rows), chunk=1000, depth=2)) == rows
    assert list(produced_ahead(iter([]))) == []


def test_an_error_in_the_producer_reaches_the_caller():
    def broken():
        yield (1,)
        raise ValueError("bad row 2")

    with pytest.raises(ValueError, match="bad row 2"):
        list(produced_ahead(broken(), chunk=1))


def test_a_consumer_that_stops_early_does_not_leave_the_producer_blocked():
    made = []

    def endless():
        i = 0
        while True:
            made.append(i)
            yield (i,)
            i += 1

    rows = produced_ahead(endless(), chunk=10, depth=2)
    assert next(rows) == (0,)
    rows.close()  # the caller gives up (an exception in its insert, say)
    count = len(made)
    assert count < 1000  # the producer stopped instead of running on


def _pool_rows(region, ids, prefix):
    return [(pk, region.pk, f"{prefix}{pk}", "", "[]") for pk in ids]


def test_ids_are_given_after_every_id_ever_used(world):
    region = Region.objects.get(code="230602")
    with transaction.atomic():
        first = allocate_ids(Pool, 3)
        raw_insert(Pool, ("id", "region_id", "name", "description", "extra_fields"),
                   _pool_rows(region, first, "库"))
    assert sorted(Pool.objects.values_list("pk", flat=True)) == first
    Pool.objects.filter(pk=first[-1]).delete()  # the newest row goes: its id is not reused
    with transaction.atomic():
        second = allocate_ids(Pool, 2)
        raw_insert(Pool, ("id", "region_id", "name", "description", "extra_fields"),
                   _pool_rows(region, second, "新库"))
    assert min(second) > max(first)
    made_by_orm = Pool.objects.create(region=region, name="后来的库")
    assert made_by_orm.pk > max(second)
    assert allocate_ids(Pool, 0) == []


@pytest.mark.django_db(transaction=True)
def test_ids_are_refused_outside_a_transaction():
    with pytest.raises(RuntimeError):
        allocate_ids(Pool, 3)  # another writer could take them before the rows go in


def test_rows_produced_ahead_are_converted_like_the_others(world):
    region = Region.objects.get(code="230602")
    fields = [{"key": "field", "label": "研究领域"}]
    with transaction.atomic():
        ids = allocate_ids(Pool, 2)
        raw_insert(Pool, ("id", "region_id", "name", "description", "extra_fields"),
                   ((pk, region.pk, f"库{pk}", "", fields) for pk in ids), ahead=True)
    assert [p.extra_fields for p in Pool.objects.filter(pk__in=ids)] == [fields, fields]


def _double(values: list) -> list:
    return [v * 2 for v in values]


def _refuse(values: list) -> list:
    raise ValueError("bad chunk")


def test_work_mapped_in_a_child_process_comes_back_in_order():
    from wutong.core.bulk import mapped_in_child

    items = list(range(23_456))
    assert list(mapped_in_child(_double, items, chunk=1000, threshold=0)) == [
        i * 2 for i in items]
    assert list(mapped_in_child(_double, items[:10], threshold=100)) == [  # here, inline
        i * 2 for i in range(10)]
    with pytest.raises(ValueError, match="bad chunk"):
        list(mapped_in_child(_refuse, items, chunk=1000, threshold=0))
