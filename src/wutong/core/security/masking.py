"""Normalization and masking of personal data, one rule per kind.

Masks follow the usual practice of Chinese government systems (and GB/T 35273 guidance):
ID numbers keep the first 6 and last 4 characters, phones the first 3 and last 4.
"""

from __future__ import annotations

import re
import unicodedata

KINDS = ("id_number", "phone", "bank_account", "passport", "text")


def normalize(kind: str, value: str) -> str:
    """The canonical form used for the blind index and for storage."""
    value = unicodedata.normalize("NFKC", str(value)).strip()
    if kind == "id_number":
        return re.sub(r"\s+", "", value).upper()
    if kind == "phone":
        digits = re.sub(r"[^\d+]", "", value)
        if digits.startswith("+86"):
            digits = digits[3:]
        elif digits.startswith("0086"):
            digits = digits[4:]
        return digits
    if kind == "bank_account":
        return re.sub(r"[\s-]+", "", value)
    if kind == "passport":
        return re.sub(r"\s+", "", value).upper()
    return value


def mask(kind: str, value: str) -> str:
    if not value:
        return ""
    n = len(value)
    if kind == "id_number":
        keep_head, keep_tail = (6, 4) if n > 10 else (1, 1)
    elif kind == "phone":
        keep_head, keep_tail = (3, 4) if n >= 11 else (2, 2) if n > 5 else (0, 0)
    elif kind == "bank_account":
        keep_head, keep_tail = (0, 4) if n > 4 else (0, 0)
    elif kind == "passport":
        keep_head, keep_tail = (1, 3) if n > 5 else (0, 0)
    else:
        keep_head, keep_tail = (1, 0) if n > 1 else (0, 0)
    if n <= keep_head + keep_tail:
        return "*" * n
    tail = value[n - keep_tail:] if keep_tail else ""
    return value[:keep_head] + "*" * (n - keep_head - keep_tail) + tail


_LONG_NUMBER = re.compile(r"[0-9０-９]{6,}[0-9０-９Xx]*")


def redact(text: str) -> str:
    """Free text with every long run of digits (a phone, an ID or bank number) masked."""
    return _LONG_NUMBER.sub(lambda m: mask("id_number" if len(m.group()) > 11 else "phone",
                                           m.group()), str(text))
