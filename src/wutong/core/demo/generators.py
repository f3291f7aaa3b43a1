"""Generators of plausible Chinese personal data with valid check characters.

Faker's own ID numbers use stale region codes, so ID numbers here are built from the real
county codes of the region table (GB/T 2260), a plausible birth date, a sequence whose parity
gives the sex, and the GB 11643 check character.
"""

from __future__ import annotations

import datetime as dt
import random
import string

from stdnum.cn import ric
from stdnum.cn import uscc as uscc_std

from wutong.core.dates import shift_years
from wutong.core.validators import MOBILE_PREFIXES

_ORG_ALPHABET = string.digits + string.ascii_uppercase  # GB 11714 values (A=10 … Z=35)
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
USCC_TYPES = {
    "enterprise": "91",        # 工商 · 企业
    "individual": "92",        # 工商 · 个体工商户
    "public_institution": "12",  # 机构编制 · 事业单位
    "government": "11",        # 机构编制 · 机关
    "social_org": "52",        # 民政 · 民办非企业单位
}


def birth_date(rng: random.Random, *, min_age: int = 22, max_age: int = 65,
               today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    start = shift_years(today, -max_age)
    end = shift_years(today, -min_age)
    return start + dt.timedelta(days=rng.randrange((end - start).days))


def id_number(rng: random.Random, county_code: str, *, born: dt.date | None = None,
              sex: str | None = None) -> str:
    """An 18-character resident ID number (GB 11643) for a county code."""
    born = born or birth_date(rng)
    seq = rng.randrange(0, 500) * 2 + (1 if sex == "M" else 0 if sex == "F" else rng.randrange(2))
    body = f"{county_code[:6]}{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character


def mobile(rng: random.Random) -> str:
    """An 11-digit mobile number from any current prefix."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def organization_code(rng: random.Random) -> str:
    """A 9-character organization code (GB 11714) with its check character."""
    body = "".join(rng.choice(_USCC_ALPHABET) for _ in range(8))
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def uscc(rng: random.Random, region_code: str, kind: str = "enterprise") -> str:
    """A unified social credit code (GB 32100) with valid check characters."""
    body = USCC_TYPES.get(kind, "91") + region_code[:6] + organization_code(rng)
    return body + uscc_std.calc_check_digit(body)


def person(rng: random.Random, faker, county_code: str) -> dict:
    sex = rng.choice("MF")
    name = faker.name_male() if sex == "M" else faker.name_female()
    born = birth_date(rng)
    return {"name": name, "sex": sex, "birth_date": born,
            "id_number": id_number(rng, county_code, born=born, sex=sex), "phone": mobile(rng)}
