"""Cell parsers: ``parse(value) -> parsed | None``, accepting values as people type them.

Every parser returns ``None`` for an empty cell and raises ``CellError`` with a Chinese message
saying what was expected and what was found (cut to 30 characters). They are written for
speed (an import checks hundreds of thousands of cells): patterns are compiled once, the usual
case (a plain ASCII string, a number, a date Excel already recognised) takes a short path, and
no exception is raised unless the value is wrong.

The national identifiers are checked by fast equivalents of ``wutong.core.validators``
(``tests/core_imports`` proves they agree); a value the fast check refuses is checked again by
the validator itself, so a parser never refuses what the validator accepts.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext as _
from phonenumbers import PhoneMetadata

from wutong.core.imports._layout import INVISIBLE
from wutong.core.imports.errors import CellError
from wutong.core.security.masking import mask
from wutong.core.validators import (
    MOBILE_PREFIXES,
    PROVINCE_PREFIXES,
    is_valid_id_number,
    is_valid_mobile,
    is_valid_uscc,
    upgrade_id_number,
)

__all__ = [
    "DEGREE_SYNONYMS", "EDUCATION_SYNONYMS", "TITLE_LEVEL_SYNONYMS", "boolean", "choice",
    "date", "date_1904", "decimal", "for_table", "id_number", "integer", "mobile",
    "person_name", "person_name_parser", "text", "text_parser", "uscc",
]

_FOUND_MAX = 30


def _nfkc(form: str, s: str) -> str:
    """NFKC, and the characters that show as nothing (zero-width spaces, byte-order marks,
    direction marks) removed: a name or a number pasted from a web page looks right and is
    not."""
    return unicodedata.normalize(form, s).translate(INVISIBLE)


def _show(value: object) -> str:
    """A cell's value as the clerk typed it, on one line, at most 30 characters."""
    if value.__class__ is float and value.is_integer() and abs(value) < 1e15:
        s = str(int(value))
    elif isinstance(value, dt.datetime):
        s = value.strftime("%Y-%m-%d %H:%M:%S")
    else:
        s = str(value)
    s = _LONG_DIGITS.sub(_mask_digits, " ".join(s.split()))
    return s if len(s) <= _FOUND_MAX else s[:_FOUND_MAX] + "…"


# A run of 11 or more digits in a cell shown back is an ID or phone number in the wrong
# column (a row shifted by a stray comma): it is masked like one.
_LONG_DIGITS = re.compile(r"[0-9０-９]{11,}[0-9０-９Xx]*")


def _mask_digits(found: re.Match) -> str:
    digits = found.group()
    return mask("id_number" if len(digits) > 11 else "phone", digits)


# The same few hundred dates and amounts recur down a column of 100,000 rows; their parsed
# values (immutable) are remembered, up to a bound.
_MEMO_LIMIT = 20_000
_DATE_MEMO: dict[object, dt.date] = {}
_DECIMAL_MEMO: dict[object, Decimal] = {}


def _remember(memo: dict, key: object, value):
    if value is not None and len(memo) < _MEMO_LIMIT:
        memo[key] = value
    return value


def _number_text(value: float | int) -> str:
    """How Excel shows a number typed as is: 123.0 -> "123", 1.5 -> "1.5"."""
    if value.__class__ is float:
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    return str(value)


# ---------------------------------------------------------------------------------- text

def text(value: object, max_length: int | None = None) -> str | None:
    """Free text: NFKC, stripped, inner runs of whitespace (line breaks too) made one space.

    A number Excel stored for digits typed in a text column comes back as they were typed
    (``123.0`` -> ``"123"``). Note that NFKC also turns full-width punctuation into ASCII
    (``（`` -> ``(``).
    """
    if value is None:
        return None
    cls = value.__class__
    if cls is str:
        s = " ".join((value if value.isascii() else _nfkc("NFKC", value)).split())
    elif cls is float or cls is int:
        s = _number_text(value)
    elif cls is bool:
        s = "TRUE" if value else "FALSE"
    elif cls is dt.datetime:
        s = value.isoformat(" ") if value.time() != dt.time() else value.date().isoformat()
    elif cls is dt.date or cls is dt.time:
        s = value.isoformat()
    else:
        s = " ".join(_nfkc("NFKC", str(value)).split())
    if not s:
        return None
    return _within(s, max_length)


def _within(s: str, max_length: int | None) -> str:
    if max_length is not None and len(s) > max_length:
        raise CellError(_("内容过长（最多 %(n)s 字，实际 %(len)s 字）")
                        % {"n": max_length, "len": len(s)})
    return s


def text_parser(max_length: int) -> Callable[[object], str | None]:
    """``text`` with a length limit, for ``Column(parse=…)``."""

    def parse(value: object) -> str | None:
        return text(value, max_length)

    return parse


# Two- and three-character names are padded to the same width with (full-width) spaces:
# "李　四". A space between two Han characters is never part of a name.
_HAN_SPACE = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]) "
                        r"(?=[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f])")


def person_name(value: object, max_length: int | None = None) -> str | None:
    """A person's name: ``text``, and the spaces between Han characters dropped ("李　四" ->
    "李四"); Latin names keep theirs ("John Smith")."""
    s = text(value)
    if s is not None and " " in s:
        s = _HAN_SPACE.sub("", s)
    return s if s is None else _within(s, max_length)


def person_name_parser(max_length: int) -> Callable[[object], str | None]:
    """``person_name`` with a length limit, for ``Column(parse=…)``."""

    def parse(value: object) -> str | None:
        return person_name(value, max_length)

    return parse


# ---------------------------------------------------------------------------------- dates

_DATE_TEXT = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*"
    r"(?:[-/.月]\s*(?:(\d{1,2})\s*[日号]?)?)?"
    r"(?:\s*[T\s]\s*\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?)?", re.ASCII)
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})?", re.ASCII)
_MONTH_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_SERIAL_BEFORE_BUG = dt.date(1899, 12, 31).toordinal()  # serial 1 = 1900-01-01
_SERIAL_AFTER_BUG = dt.date(1899, 12, 30).toordinal()   # serial 61 = 1900-03-01
_MIN_YEAR, _MAX_YEAR = 1900, 2100
_fromisoformat = dt.date.fromisoformat


def _date_error(value: object) -> CellError:
    return CellError(_("日期格式不正确：「%(found)s」，应如 2023-05-01、2023.5 或 2023年5月")
                     % {"found": _show(value)})


def _ymd(y: int, m: int, d: int, raw: object) -> dt.date:
    if (_MIN_YEAR <= y <= _MAX_YEAR and 1 <= m <= 12 and 1 <= d <= _MONTH_DAYS[m]
            and not (m == 2 and d == 29 and (y % 4 or (y % 100 == 0 and y % 400)))):
        return dt.date(y, m, d)
    raise _date_error(raw)


def _date_from_text(raw: str) -> dt.date | None:
    s = (raw if raw.isascii() else _nfkc("NFKC", raw)).strip()
    if not s:
        return None
    m = _DATE_TEXT.fullmatch(s)
    if m is None:
        m = _DATE_COMPACT.fullmatch(s)
        if m is None:
            raise _date_error(raw)
    y, mo, d = m.groups()
    return _ymd(int(y), int(mo), int(d) if d else 1, raw)


def _date_from_number(v: float | int) -> dt.date:
    if v != v or v in (float("inf"), float("-inf")):
        raise _date_error(v)
    whole = int(v)
    if _MIN_YEAR <= whole <= _MAX_YEAR:
        # "2023.5" or "2023.05" typed into a cell Excel took as a number: year.month.
        # A float cannot tell "2023.1" from "2023.10": both are January.
        if v.__class__ is float and v != whole:
            fraction = repr(v).partition(".")[2]
            if len(fraction) <= 2 and fraction.isdigit():
                return _ymd(whole, int(fraction), 1, v)
        raise _date_error(v)  # a bare year is not a date
    if v == whole:
        if 190001 <= whole <= 210012:        # 202305
            return _ymd(whole // 100, whole % 100, 1, v)
        if 19000101 <= whole <= 21001231:    # 20230501
            return _ymd(whole // 10000, whole // 100 % 100, whole % 100, v)
    if 1 <= whole <= 80000:                  # an Excel serial day number (1900 date system)
        if whole < 60:
            return dt.date.fromordinal(_SERIAL_BEFORE_BUG + whole)
        if whole > 60:                       # Excel counts a 29 February 1900 that never was
            return dt.date.fromordinal(_SERIAL_AFTER_BUG + whole)
    raise _date_error(v)


def date(value: object) -> dt.date | None:
    """A date from a date cell, an Excel serial number, or text as people write dates.

    Accepted: ``2023-05-01``, ``2023/5/1``, ``2023.5.1``, ``2023.05``, ``2023.5``, ``2023年5月``,
    ``2023年5月1日``, ``20230501``, ``202305`` (full-width digits too); a month alone means its
    first day. A number with a whole part 1900–2100 is year.month (``2023.5`` -> 2023-05-01;
    Excel stores ``2023.10`` typed as a number as 2023.1, which reads as January — as text
    ``"2023.10"`` is October). Other numbers 1–80000 are Excel serial day numbers.
    """
    if value is None:
        return None
    cls = value.__class__
    if cls is dt.date:
        return value
    if cls is dt.datetime:
        return value.date()
    if cls is str:
        found = _DATE_MEMO.get(value)
        if found is not None:
            return found
        if len(value) == 10 and value[4] == "-" == value[7] and value.isascii():
            try:
                parsed = _fromisoformat(value)
            except ValueError:
                raise _date_error(value) from None
            if _MIN_YEAR <= parsed.year <= _MAX_YEAR:
                return parsed
            raise _date_error(value)
        return _remember(_DATE_MEMO, value, _date_from_text(value))
    if cls is float or cls is int:
        found = _DATE_MEMO.get(value)
        if found is not None:
            return found
        return _remember(_DATE_MEMO, value, _date_from_number(value))
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise _date_error(value)


_SERIAL_1904 = dt.date(1904, 1, 1).toordinal()  # serial 0 = 1904-01-01


def date_1904(value: object) -> dt.date | None:
    """``date`` for a workbook that counts days from 1904: a day number (a date typed into a
    cell formatted as a plain number) is read from 1904-01-01, not 1900; everything else as
    ``date`` reads it."""
    cls = value.__class__
    if (cls is float or cls is int) and value == value and abs(value) != float("inf"):
        whole = int(value)
        if not (_MIN_YEAR <= whole <= _MAX_YEAR or 190001 <= whole <= 210012
                or 19000101 <= whole <= 21001231) and 1 <= whole <= 80000:
            return dt.date.fromordinal(_SERIAL_1904 + whole)
    return date(value)


def for_table(parse: Callable[[object], object] | None, table
              ) -> Callable[[object], object] | None:
    """The parser to use on ``table``'s cells: ``date`` becomes ``date_1904`` for a workbook
    that counts days from 1904."""
    if parse is date and getattr(table, "date1904", False):
        return date_1904
    return parse


# ---------------------------------------------------------------------------------- numbers

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)
_NUMBER_NOISE = dict.fromkeys(map(ord, ", _'¥$"))
_MULTIPLIERS = (("万元", 10000), ("亿元", 100000000), ("元", 1), ("万", 10000),
                ("亿", 100000000))


def _number_error(value: object) -> CellError:
    return CellError(_("应为数字，实际为「%(found)s」") % {"found": _show(value)})


def _integer_error(value: object) -> CellError:
    return CellError(_("应为整数，实际为「%(found)s」") % {"found": _show(value)})


def _decimal_from_text(raw: str) -> Decimal | None:
    s = (raw if raw.isascii() else _nfkc("NFKC", raw)).strip()
    if not s:
        return None
    multiplier = 1
    for suffix, factor in _MULTIPLIERS:
        if s.endswith(suffix):
            s, multiplier = s[: -len(suffix)], factor
            break
    s = s.translate(_NUMBER_NOISE)
    if s.upper().startswith(("RMB", "CNY")):
        s = s[3:]
    if not _NUMBER.fullmatch(s):
        raise _number_error(raw)
    number = Decimal(s)
    return number * multiplier if multiplier != 1 else number


def decimal(value: object) -> Decimal | None:
    """An exact decimal: ``1,234.5``, ``１２３``, ``¥1,200``, ``1200元``, ``1.5万`` (= 15000)."""
    if value is None:
        return None
    cls = value.__class__
    if cls is float:
        found = _DECIMAL_MEMO.get(value)
        if found is not None:
            return found
        if value.is_integer():
            return _remember(_DECIMAL_MEMO, value, Decimal(int(value)))
        if value != value or value in (float("inf"), float("-inf")):
            raise _number_error(value)
        return _remember(_DECIMAL_MEMO, value, Decimal(repr(value)))
    if cls is int:
        return Decimal(value)
    if cls is str:
        found = _DECIMAL_MEMO.get(value)
        if found is not None:
            return found
        return _remember(_DECIMAL_MEMO, value, _decimal_from_text(value))
    raise _number_error(value)


def integer(value: object) -> int | None:
    """A whole number, written in any of the ways ``decimal`` accepts."""
    if value is None:
        return None
    cls = value.__class__
    if cls is int:
        return value
    if cls is float:
        if value.is_integer():
            return int(value)
        raise _integer_error(value)
    if cls is str:
        if value.isascii() and value.isdigit():
            return int(value)
        number = _decimal_from_text(value)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise _integer_error(value)
        return int(number)
    raise _integer_error(value)


# ---------------------------------------------------------------------------------- yes/no

_BOOLEANS = {
    "是": True, "否": False, "有": True, "无": False, "y": True, "n": False, "yes": True,
    "no": False, "√": True, "×": False, "✓": True, "✔": True, "✗": False, "✘": False,
    "1": True, "0": False, "true": True, "false": False, "对": True, "错": False,
}


def boolean(value: object) -> bool | None:
    """是/否, 有/无, Y/N, yes/no, √/×, 1/0, true/false."""
    if value is None:
        return None
    cls = value.__class__
    if cls is bool:
        return value
    if cls is str:
        found = _BOOLEANS.get(value)
        if found is not None:
            return found
        key = "".join(_nfkc("NFKC", value).split()).lower()
        if not key:
            return None
        found = _BOOLEANS.get(key)
        if found is not None:
            return found
    elif (cls is int or cls is float) and value in (0, 1):
        return bool(value)
    raise CellError(_("应填“是”或“否”，实际为「%(found)s」") % {"found": _show(value)})


# ---------------------------------------------------------------------------------- choices

def _choice_key(s: str) -> str:
    return "".join(_nfkc("NFKC", s).split()).lower()


def choice(mapping: dict[str, str], *, accept_codes: bool = False
           ) -> Callable[[object], str | None]:
    """A parser mapping the accepted spellings (keys) to codes (values).

    Spellings are compared after NFKC with spaces removed and Latin letters lower-cased.
    With ``accept_codes`` a cell may also hold a code itself.
    """
    exact: dict[str, str] = {}
    normalized: dict[str, str] = {}
    for spelling, code in mapping.items():
        key = _choice_key(spelling)
        if normalized.get(key, code) != code:
            raise ValueError(f"{spelling!r} maps to both {normalized[key]!r} and {code!r}")
        exact[spelling] = code
        normalized[key] = code
    if accept_codes:
        for code in mapping.values():
            exact.setdefault(code, code)
            normalized.setdefault(_choice_key(code), code)
    # The first spelling of each code, for the error message.
    options: dict[str, str] = {}
    for spelling, code in mapping.items():
        options.setdefault(code, spelling)
    shown = "、".join(list(options.values())[:8]) + ("等" if len(options) > 8 else "")

    def parse(value: object) -> str | None:
        if value is None:
            return None
        if value.__class__ is str:
            found = exact.get(value)
            if found is not None:
                return found
            key = _choice_key(value)
            if not key:
                return None
        elif value.__class__ in (int, float):
            key = _number_text(value)
        else:
            key = _choice_key(str(value))
        found = normalized.get(key)
        if found is not None:
            return found
        raise CellError(_("无法识别「%(found)s」，可填：%(options)s")
                        % {"found": _show(value), "options": shown})

    return parse


# ---------------------------------------------------------------------------------- identifiers

_PROVINCES = frozenset(PROVINCE_PREFIXES)
_THIS_YEAR = dt.date.today().year  # years before last year need no look at the calendar
_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?E\+?\d+", re.ASCII | re.IGNORECASE)


_CHECK_CHARS = "0123456789X"
_PAST_BIRTHS: dict[str, bool] = {}  # "YYYYMMDD" -> a real date before last year


def _birth_ok(ymd: str) -> bool:
    """Same as the validator: a real date from 1900-01-01 to today."""
    known = _PAST_BIRTHS.get(ymd)
    if known is not None:
        return known
    y, m, d = int(ymd[:4]), int(ymd[4:6]), int(ymd[6:])
    ok = (y >= _MIN_YEAR and 1 <= m <= 12 and 1 <= d <= _MONTH_DAYS[m]
          and not (m == 2 and d == 29 and (y % 4 or (y % 100 == 0 and y % 400))))
    if ok and y >= _THIS_YEAR - 1:
        return dt.date(y, m, d) <= dt.date.today()  # not cached: "today" moves
    if len(_PAST_BIRTHS) < 100_000:
        _PAST_BIRTHS[ymd] = ok
    return ok


def _id_ok(s: str) -> bool:
    """Same answer as ``validators.is_valid_id_number`` for a clean upper-case string."""
    if len(s) != 18:
        return False
    body = s[:17]
    if not (body.isascii() and body.isdigit()) or s[:2] not in _PROVINCES or s[2:6] == "0000":
        return False
    if s[17] != _CHECK_CHARS[(1 - 2 * (int(body, 13) % 11)) % 11]:
        return False
    return _birth_ok(s[6:14])


def _id_error(shown: str) -> CellError:
    return CellError(_("身份证号码不正确：「%(found)s」（应为 18 位，含校验位）")
                     % {"found": shown})


def _id_excel_number(shown: str) -> CellError:
    return CellError(_("身份证号码被 Excel 存成了数字（显示为 %(found)s），最后几位已经丢失：请把"
                       "该列设为“文本”格式，重新填写完整的号码") % {"found": shown})


# An apostrophe typed (or exported) in front of digits to keep them as text.
_TEXT_MARKS = "'‘’`"


def id_number(value: object) -> str | None:
    """A resident ID number (GB 11643), 18 characters, ``x`` upper-cased; a 15-digit
    first-generation number is upgraded. The message masks the number (6+4)."""
    if value is None:
        return None
    cls = value.__class__
    if cls is str:
        if len(value) == 18 and _id_ok(value):  # the usual case: nothing to clean
            return value
        s = "".join(_nfkc("NFKC", value).split()).lstrip(_TEXT_MARKS).upper()
        if not s:
            return None
        if len(s) == 15 and s.isdigit():
            s = upgrade_id_number(s)
        if _id_ok(s) or is_valid_id_number(s):
            return s
        if _SCIENTIFIC.fullmatch(s):
            raise _id_excel_number(s)
        if len(s) == 18 and s.isdigit() and s.endswith("000"):
            raise CellError(_("身份证号码不正确：「%(found)s」，末尾是 000，可能是 Excel 把它当成"
                              "数字后丢失了最后几位：请把该列设为“文本”格式，重新填写完整的号码")
                            % {"found": mask("id_number", s)})
        raise _id_error(mask("id_number", _show(s)))
    if (cls is float or cls is int) and value == value and abs(value) != float("inf"):
        if 1e14 <= value < 1e15 and value == int(value):  # 15 digits survive a float
            return id_number(str(int(value)))
        if value >= 1e15:
            raise _id_excel_number(f"{value:.5E}")
    raise _id_error(mask("id_number", _show(value)))


_MOBILE_PREFIXES = frozenset(MOBILE_PREFIXES)
_CN_MOBILE = re.compile(
    PhoneMetadata.metadata_for_region("CN").mobile.national_number_pattern, re.ASCII)
# Prefixes whose every 11-digit number libphonenumber takes for a mobile (no rule on later
# digits): for them the pattern need not be run.
_WHOLE_PREFIXES = frozenset(p for p in _MOBILE_PREFIXES
                            if all(_CN_MOBILE.fullmatch(p + d * 8) for d in "0123456789"))
_NOT_PHONE_DIGIT = re.compile(r"[^0-9+]")


def _mobile_ok(s: str) -> bool:
    """Same answer as ``validators.is_valid_mobile`` for a string of 11 ASCII digits."""
    if len(s) != 11 or not (s.isascii() and s.isdigit()):
        return False
    prefix = s[:3]
    if prefix in _WHOLE_PREFIXES:
        return True
    return prefix in _MOBILE_PREFIXES and _CN_MOBILE.fullmatch(s) is not None


def mobile(value: object) -> str | None:
    """An 11-digit mainland mobile number; ``+86``/``0086``, spaces, dashes and brackets are
    dropped, and a number Excel stored (``13912345678.0``) is fine."""
    if value is None:
        return None
    cls = value.__class__
    if cls is str:
        s = value
        if not (len(s) == 11 and s.isascii() and s.isdigit()):
            s = _NOT_PHONE_DIGIT.sub("", _nfkc("NFKC", s))
            if s.startswith("+86"):
                s = s[3:]
            elif s.startswith("0086"):
                s = s[4:]
            elif len(s) == 13 and s.startswith("86"):
                s = s[2:]
            if not s and not value.strip():
                return None
    elif cls is float:
        s = str(int(value)) if value.is_integer() and 1e10 <= value < 2e10 else ""
    elif cls is int:
        s = str(value)
    else:
        s = ""
    if _mobile_ok(s) or (s and is_valid_mobile(s)):
        return s
    raise CellError(_("手机号码不正确：「%(found)s」（应为 11 位中国大陆手机号）")
                    % {"found": mask("phone", _show(value))})


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_INDEX = {c: i for i, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _uscc_ok(s: str) -> bool:
    """Same answer as ``validators.is_valid_uscc`` for a clean upper-case string."""
    if len(s) != 18 or not s[:8].isdigit() or not s.isascii():
        return False
    index = _USCC_INDEX
    total = 0
    for ch, weight in zip(s[:17], _USCC_WEIGHTS, strict=True):
        i = index.get(ch)
        if i is None:
            return False
        total += i * weight
    return s[17] in index and s[17] == _USCC_ALPHABET[(31 - total) % 31]


def uscc(value: object) -> str | None:
    """A unified social credit code (GB 32100), 18 characters with its check character."""
    if value is None:
        return None
    cls = value.__class__
    if (cls is float or cls is int) and value == value and abs(value) >= 1e15:
        raise CellError(_("统一社会信用代码被 Excel 存成了数字（显示为 %(found)s），最后几位已经"
                          "丢失：请把该列设为“文本”格式，重新填写完整的代码")
                        % {"found": f"{value:.5E}"})
    s = value if cls is str else _show(value)
    s = "".join(_nfkc("NFKC", s).split()).replace("-", "").lstrip(_TEXT_MARKS).upper()
    if not s:
        return None
    if _uscc_ok(s) or is_valid_uscc(s):
        return s
    if _SCIENTIFIC.fullmatch(s):
        raise CellError(_("统一社会信用代码被 Excel 存成了数字（显示为 %(found)s），最后几位已经"
                          "丢失：请把该列设为“文本”格式，重新填写完整的代码") % {"found": s})
    raise CellError(_("统一社会信用代码不正确：「%(found)s」（应为 18 位，含校验位）")
                    % {"found": _show(value)})


# ---------------------------------------------------------------------------------- code tables

# GB/T 4658-2006 学历代码 (core/data/codes/education.csv). 博士后 is not an education level.
EDUCATION_SYNONYMS: dict[str, str] = {
    "博士研究生毕业": "11", "博士": "11", "博士研究生": "11", "研究生（博士）": "11",
    "博士毕业": "11", "博士研究生学历": "11",
    "博士研究生结业": "12", "博士结业": "12",
    "博士研究生肄业": "13", "博士肄业": "13",
    "硕士研究生毕业": "14", "硕士": "14", "硕士研究生": "14", "研究生（硕士）": "14",
    "研究生": "14", "研究生毕业": "14", "硕士毕业": "14", "硕士研究生学历": "14",
    "硕士研究生结业": "15", "硕士结业": "15",
    "硕士研究生肄业": "16", "硕士肄业": "16",
    "研究生班毕业": "17", "研究生班": "17",
    "研究生班结业": "18",
    "研究生班肄业": "19",
    "大学本科毕业": "21", "本科": "21", "大学本科": "21", "大学": "21", "本科毕业": "21",
    "大学本科结业": "22", "本科结业": "22",
    "大学本科肄业": "23", "本科肄业": "23",
    "大学普通班毕业": "28", "大学普通班": "28",
    "大学专科毕业": "31", "大专": "31", "专科": "31", "大学专科": "31", "专科毕业": "31",
    "大专毕业": "31", "高职": "31", "高职高专": "31",
    "大学专科结业": "32", "专科结业": "32", "大专结业": "32",
    "大学专科肄业": "33", "专科肄业": "33", "大专肄业": "33",
    "中等专科毕业": "41", "中专": "41", "中职": "41", "中等专科": "41", "中专毕业": "41",
    "中等专科结业": "42", "中专结业": "42",
    "中等专科肄业": "43", "中专肄业": "43",
    "职业高中毕业": "44", "职高": "44", "职业高中": "44",
    "职业高中结业": "45", "职高结业": "45",
    "职业高中肄业": "46", "职高肄业": "46",
    "技工学校毕业": "47", "技校": "47", "技工学校": "47", "技工": "47",
    "技工学校结业": "48", "技校结业": "48",
    "技工学校肄业": "49", "技校肄业": "49",
    "普通高中毕业": "61", "高中": "61", "普通高中": "61", "高中毕业": "61",
    "普通高中结业": "62", "高中结业": "62",
    "普通高中肄业": "63", "高中肄业": "63",
    "初中毕业": "71", "初中": "71", "初级中学": "71",
    "初中肄业": "73",
    "小学毕业": "81", "小学": "81",
    "小学肄业": "83",
    "其他": "90",
}

_DISCIPLINES = ("哲学", "经济学", "法学", "教育学", "文学", "历史学", "理学", "工学", "农学",
                "医学", "军事学", "管理学")
_PROFESSIONAL_DEGREES = {
    "2": ("临床医学博士", "兽医博士", "口腔医学博士"),
    "3": ("法律硕士", "教育硕士", "工程硕士", "建筑学硕士", "临床医学硕士", "工商管理硕士",
          "农业推广硕士", "兽医硕士", "公共管理硕士", "口腔医学硕士", "公共卫生硕士", "军事硕士"),
    "4": ("建筑学学士",),
}


def _degree_synonyms() -> dict[str, str]:
    out = {"名誉博士": "1", "名誉博士学位": "1",
           "博士": "2", "博士学位": "2", "博士专业学位": "2", "PhD": "2", "Ph.D.": "2",
           "硕士": "3", "硕士学位": "3", "硕士专业学位": "3", "MBA": "3", "EMBA": "3",
           "MPA": "3", "Master": "3",
           "学士": "4", "学士学位": "4", "学士专业学位": "4", "Bachelor": "4"}
    for level, code in (("博士", "2"), ("硕士", "3"), ("学士", "4")):
        for discipline in _DISCIPLINES:
            out[discipline + level] = code
            out[discipline + level + "学位"] = code
    for code, names in _PROFESSIONAL_DEGREES.items():
        for name in names:
            out[name] = code
            out[name + "专业学位"] = code
    return out


# GB/T 6864-2003 学位代码, top level (core/data/codes/degree.csv): 2 博士, 3 硕士, 4 学士.
DEGREE_SYNONYMS: dict[str, str] = _degree_synonyms()

# 专业技术职务级别 (core/data/codes/title_level.csv). "高级" alone is left out: people use it
# for both 副高 and 正高.
TITLE_LEVEL_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(("正高级", "正高", "正高级职称", "教授", "研究员", "主任医师", "主任药师",
                     "主任护师", "主任技师", "正高级工程师", "教授级高级工程师", "教授级高工",
                     "正高级经济师", "正高级会计师", "正高级教师", "正高级农艺师", "编审",
                     "译审", "研究馆员"), "1"),
    **dict.fromkeys(("副高级", "副高", "副高级职称", "副教授", "副研究员", "高级工程师", "高工",
                     "副主任医师", "副主任药师", "副主任护师", "副主任技师", "高级经济师",
                     "高级会计师", "高级教师", "高级讲师", "高级农艺师", "副编审", "副译审",
                     "副研究馆员"), "2"),
    **dict.fromkeys(("中级", "中级职称", "讲师", "工程师", "主治医师", "主管药师", "主管护师",
                     "主管技师", "经济师", "会计师", "一级教师", "助理研究员", "编辑", "翻译",
                     "馆员", "农艺师"), "3"),
    **dict.fromkeys(("初级", "初级职称", "助教", "助理工程师", "技术员", "医师", "住院医师",
                     "药师", "护师", "护士", "助理经济师", "经济员", "助理会计师",
                     "会计员", "二级教师", "三级教师", "研究实习员", "助理编辑", "助理馆员",
                     "助理翻译", "助理农艺师"), "4"),
    "助理级": "41", "员级": "42", "未定级": "9",
}
