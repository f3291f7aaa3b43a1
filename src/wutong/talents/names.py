"""Search keys of Chinese names: characters, full pinyin and initials in every reading.

张三 → {"张三", "zhangsan", "zs"}; 单田芳 → both "dan…" and "shan…" readings of 单.
Readings are looked up per character and cached, so building keys for a 100,000-row import
costs a few microseconds a name.
"""

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, pinyin

MAX_VARIANTS = 8
MAX_READINGS = 3


def normalize_query(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().lower().replace(" ", "")


@lru_cache(maxsize=20_000)
def _readings(char: str) -> tuple[str, ...]:
    if char.isascii():
        return (char,)
    found = pinyin(char, style=Style.NORMAL, heteronym=True, errors="default")[0]
    return tuple(r.lower() for r in found[:MAX_READINGS]) or (char,)


def name_keys(name: str) -> set[str]:
    name = normalize_query(name)
    if not name:
        return set()
    keys = {name}
    per_char = [_readings(c) for c in name]
    for combo in itertools.islice(itertools.product(*per_char), MAX_VARIANTS):
        full = "".join(combo)
        if full.isascii():
            keys.add(full)
            initials = "".join(p[0] for p in combo if p and not p.isdigit())
            if len(initials) > 1:
                keys.add(initials)
    return {k[:80] for k in keys}


@dataclass(frozen=True)
class NameSearchKeys:
    """How a name is found: its first reading's full pinyin and initials, kept on the talent's
    row (so most names need no key rows at all), and the keys of its other readings."""

    pinyin: str
    initials: str
    others: frozenset[str]


@lru_cache(maxsize=50_000)
def search_keys(name: str) -> NameSearchKeys:
    """张三 → pinyin "zhangsan", initials "zs", no others; 单田芳 → "dantianfang", "dtf" and
    the shan… / chan… readings as others."""
    normal = normalize_query(name)
    if not normal:
        return NameSearchKeys("", "", frozenset())
    first = [_readings(c)[0] for c in normal]
    full = "".join(first)
    pinyin = full[:80] if full.isascii() else ""
    initials = "".join(p[0] for p in first if p and not p.isdigit())[:80] if pinyin else ""
    if len(initials) < 2:
        initials = ""
    others = frozenset(name_keys(name) - {normal[:80], pinyin, initials})
    return NameSearchKeys(pinyin, initials, others)


@lru_cache(maxsize=50_000)
def sort_key(name: str) -> str:
    """张三 → "zhang san": the first reading, syllables spaced so 张三 sorts before 张三丰."""
    name = normalize_query(name)
    return " ".join(_readings(c)[0] for c in name)[:120]
