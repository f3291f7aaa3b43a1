"""New talent files as raw rows, for the import and the demo generator.

Both hand over validated values; here they get their ids up front (so histories point at
them without reading the files back), their name columns, and go in with ``raw_insert``.
Personal data must already be encrypted and indexed by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from wutong.core.bulk import allocate_ids, raw_insert
from wutong.talents.models import Talent, TalentNameKey
from wutong.talents.names import search_keys, sort_key

# The columns of a new file as inserted; callers give ROW_FIELDS (no id, no name columns).
FIELDS = ("id", "region_id", "name", "name_sort", "name_pinyin", "name_initials", "id_type",
          "id_number", "id_number_bidx", "nationality", "sex", "birth_date", "ethnic_group",
          "political_status", "phone", "phone_bidx", "email", "education", "degree",
          "title_level", "skill_level", "employer_id", "position", "industry", "introduced_on",
          "introduction_mode", "category", "honours", "tags", "is_active", "created_at",
          "updated_at")

ROW_FIELDS = tuple(f for f in FIELDS
                   if f not in ("id", "name_sort", "name_pinyin", "name_initials"))


def name_columns(name: str) -> tuple[str, str, str]:
    """(name_sort, name_pinyin, name_initials) of a name."""
    keys = search_keys(name)
    return sort_key(name), keys.pinyin, keys.initials


def insert_talents(rows: Iterable[tuple], count: int, *, ahead: bool = False) -> list[int]:
    """Insert ``count`` new files, ``rows`` being tuples of ROW_FIELDS (region_id, name,
    id_type, …), with their name keys. Returns their ids in order. Runs inside the caller's
    transaction. ``ahead``: ``rows`` is a generator doing work of its own (encryption) and
    is run in a worker thread while the database writes (``core.bulk.raw_insert``)."""
    ids = allocate_ids(Talent, count)
    keys: list[tuple[int, int, str]] = []

    def full_rows() -> Iterable[tuple]:
        for pk, row in zip(ids, rows, strict=True):
            region_id, name = row[0], row[1]
            found = search_keys(name)
            if found.others:
                keys.extend((pk, region_id, k) for k in found.others)
            yield (pk, region_id, name, sort_key(name), found.pinyin, found.initials, *row[2:])

    raw_insert(Talent, FIELDS, full_rows(), ahead=ahead)
    raw_insert(TalentNameKey, ("talent_id", "region_id", "key"), keys)
    return ids


def refresh_name_keys(talents: Sequence[Talent]) -> None:
    """Bring the name columns and other-reading keys of saved files in step with their
    names (after an edit, a rename by re-import, a merge)."""
    TalentNameKey.objects.filter(talent__in=talents).delete()
    changed = []
    for talent in talents:
        columns = name_columns(talent.name)
        if columns != (talent.name_sort, talent.name_pinyin, talent.name_initials):
            talent.name_sort, talent.name_pinyin, talent.name_initials = columns
            changed.append(talent)
    if changed:
        Talent.objects.bulk_update(changed, ["name_sort", "name_pinyin", "name_initials"],
                                   batch_size=1000)
    TalentNameKey.objects.bulk_create(
        [TalentNameKey(talent=t, region_id=t.region_id, key=k) for t in talents
         for k in search_keys(t.name).others], batch_size=2000)
