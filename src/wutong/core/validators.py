"""Validators for the national identifiers the data must follow.

python-stdnum raises on some malformed input where a boolean is expected (for example an
impossible birth date inside an ID number); these wrappers always answer True or False.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc

from wutong.core.security.masking import normalize

# Mobile prefixes issued to people in mainland China (MIIT numbering plan): 13x, 14x, 15x,
# 16x, 17x, 18x, 19x. Data-only and IoT ranges (140–144, 146, 148, 149, 174) are left out;
# libphonenumber agrees.
MOBILE_PREFIXES = (
    [f"13{d}" for d in range(10)]
    + ["145", "147"]
    + [f"15{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)]
    + ["162", "165", "166", "167"]
    + ["170", "171", "172", "173", "175", "176", "177", "178"]
    + [f"18{d}" for d in range(10)]
    + ["190", "191", "192", "193", "195", "196", "197", "198", "199"]
)


def _clean(value: str) -> str:
    return unicodedata.normalize("NFKC", str(value or "")).strip().upper()


PROVINCE_PREFIXES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83",
})


def is_valid_id_number(value: str) -> bool:
    """GB 11643 resident ID number: 18 characters, a real date, a province code, check char.

    The county part is not looked up: it is the code in force where the number was issued,
    which may since have been renamed or merged (python-stdnum rejects such real numbers).
    """
    value = _clean(value).replace(" ", "")
    if len(value) != 18 or not value[:17].isdigit() or value[2:6] == "0000":
        return False
    if value[:2] not in PROVINCE_PREFIXES:
        return False
    try:
        born = ric.get_birth_date(value)
        check = ric.calc_check_digit(value)
    except Exception:  # noqa: BLE001 - stdnum raises various errors on malformed input
        return False
    return value[17] == check and dt.date(1900, 1, 1) <= born <= dt.date.today()


def upgrade_id_number(value: str) -> str:
    """A 15-digit first-generation number turned into its 18-character form."""
    value = _clean(value)
    if len(value) != 15 or not value.isdigit():
        return value
    body = value[:6] + "19" + value[6:]
    return body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character


def is_valid_uscc(value: str) -> bool:
    """GB 32100 unified social credit code (18 characters with a check character)."""
    value = _clean(value)
    try:
        return len(value) == 18 and bool(uscc.is_valid(value))
    except Exception:  # noqa: BLE001 - stdnum raises various errors on malformed input
        return False


def is_valid_mobile(value: str) -> bool:
    digits = normalize("phone", value)
    if len(digits) != 11 or digits[:3] not in MOBILE_PREFIXES:
        return False
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(digits, "CN"))
    except phonenumbers.NumberParseException:
        return False


def validate_id_number(value: str) -> None:
    if not is_valid_id_number(value):
        raise ValidationError(_("身份证号码格式不正确（应为 18 位，含校验位）。"), code="id_number")


def validate_uscc(value: str) -> None:
    if not is_valid_uscc(value):
        raise ValidationError(_("统一社会信用代码不正确（应为 18 位，含校验位）。"), code="uscc")


def validate_mobile(value: str) -> None:
    if not is_valid_mobile(value):
        raise ValidationError(_("手机号码不正确（应为 11 位中国大陆手机号）。"), code="mobile")
