"""Search keys of Chinese names: characters, full pinyin and initials in every reading.

张三 → {"张三", "zhangsan", "zs"}; 单田芳 → both "dan…" and "shan…" readings of 单.
Readings are looked up per character and cached, so building keys for a 100,000-row import
costs a few microseconds a name.
"""

from __future__ import annotations

import itertools
import unicodedata
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


def sort_key(name: str) -> str:
    """张三 → "zhang san": the first reading, syllables spaced so 张三 sorts before 张三丰."""
    name = normalize_query(name)
    return " ".join(_readings(c)[0] for c in name)[:120]
