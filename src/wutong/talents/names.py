"""Search keys of Chinese names: characters, full pinyin and initials in every reading.

张三 → {"张三", "zhangsan", "zs"}; 单田芳 → both "dan…" and "shan…" readings of 单.
"""

from __future__ import annotations

import itertools
import unicodedata

from pypinyin import Style, pinyin

MAX_VARIANTS = 8


def normalize_query(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().lower().replace(" ", "")


def name_keys(name: str) -> set[str]:
    name = normalize_query(name)
    if not name:
        return set()
    keys = {name}
    readings = pinyin(name, style=Style.NORMAL, heteronym=True, errors="default")
    readings = [r[:3] for r in readings]  # at most three readings a character
    for combo in itertools.islice(itertools.product(*readings), MAX_VARIANTS):
        full = "".join(combo).lower()
        if full.isascii():
            keys.add(full)
            keys.add("".join(p[0] for p in combo if p).lower())
    return {k[:80] for k in keys}
