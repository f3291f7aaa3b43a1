"""Helpers of the liaison tests: a small duty roster in 大庆, and a reader of the text of the
ledger PDF (ReportLab's streams: ASCII85 + Flate, CID text as UTF-16BE string literals)."""

from __future__ import annotations

import base64
import datetime as dt
import re
import zlib

from django.urls import URLResolver, path

from tests.policy_helpers import make_talent
from wutong.core.models import Region
from wutong.liaison import services
from wutong.liaison.models import LeaderBody

YEAR = dt.date.today().year
ON = dt.date(YEAR, 1, 10) if dt.date.today() > dt.date(YEAR, 1, 10) else dt.date.today()


def build(world) -> dict:
    """Four city leaders of 大庆 against the default rule (2 experts, unit heads 1, two
    contacts a year): 张书记 meets it; 李市长 has one expert; 王局长 (head of 科技局) has one
    expert contacted once; 赵主席 has none. One expert (刘专家) nobody looks after; 周普通 is no
    expert (category E). A Liaoyang leader for the cross-region checks."""
    city, office = world["city"], world["daqing_office"]
    daqing = Region.objects.get(code="230600")
    r = {"city": city, "office": office}
    for key, name, cat in (("t1", "陈专家", "B"), ("t2", "黄专家", "C"), ("t3", "吴专家", "A"),
                           ("t4", "孙专家", "B"), ("t5", "刘专家", "C"), ("plain", "周普通", "E")):
        r[key] = make_talent("230602", name=name, category=cat, phone="13800138000")
    r["party"] = services.leader_create(user=city, region=daqing, name="张书记", post="市委书记",
                                        body=LeaderBody.PARTY, account=world["leader"])
    r["mayor"] = services.leader_create(user=city, region=daqing, name="李市长", post="市长",
                                        body=LeaderBody.GOVERNMENT)
    r["head"] = services.leader_create(user=city, region=daqing, name="王局长",
                                       post="科学技术局局长", body=LeaderBody.UNIT,
                                       unit=world["daqing_kjj"])
    r["cppcc"] = services.leader_create(user=city, region=daqing, name="赵主席",
                                        post="市政协主席", body=LeaderBody.CPPCC)
    start = dt.date(YEAR, 1, 1)
    for leader, talent in ((r["party"], r["t1"]), (r["party"], r["t2"]), (r["mayor"], r["t3"]),
                           (r["head"], r["t4"])):
        services.assignment_add(user=city, leader=leader, talent=talent, started_on=start)
    for talent in (r["t1"], r["t2"]):
        for _ in range(2):
            services.contact_log(user=city, leader=r["party"], on=ON, form="visit",
                                 summary="走访了解项目进展", experts=[talent])
    r["contact"] = services.contact_log(
        user=city, leader=r["head"], on=ON, form="forum", summary="座谈 =1+1 人才需求",
        experts=[r["t4"]], suggestions="建议设立青年科研经费\n建议简化补贴申报",
        problems="子女入学需协调学位")
    r["problem"] = r["contact"].items.get(kind="problem")
    liaoyang = Region.objects.get(code="211000")
    r["other_leader"] = services.leader_create(user=world["other_city"], region=liaoyang,
                                               name="辽阳领导", post="市长",
                                               body=LeaderBody.GOVERNMENT)
    return r


# --- URL confs for the "转为服务事项" button: with and without a case app's new-case page ----
def _without_cases():
    from importlib import import_module

    from django.conf import settings

    base = import_module(settings.ROOT_URLCONF).urlpatterns
    return [p for p in base if not (isinstance(p, URLResolver) and
                                    str(p.pattern).startswith("cases/"))]


def _fake_new_case(request):
    from django.http import HttpResponse

    return HttpResponse("new case")


def allow_raising_cases(monkeypatch) -> None:
    """Leaders and the office may raise cases (what the cases app grants, when installed)."""
    from wutong.accounts import roles

    for role in (roles.Role.OFFICE, roles.Role.LEADER):
        monkeypatch.setitem(roles._GRANTS, role, roles._GRANTS[role] | {"cases.add_case"})


class WithoutCases:
    urlpatterns = _without_cases()


class WithCases:
    urlpatterns = [path("cases/new/", _fake_new_case), *_without_cases()]


# --- PDF text ------------------------------------------------------------------------------
def _unescape(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(raw):
        ch = raw[i]
        if ch == 0x5C:  # backslash
            nxt = raw[i + 1:i + 2]
            if nxt and nxt in b"01234567":
                m = re.match(rb"[0-7]{1,3}", raw[i + 1:i + 4])
                out.append(int(m.group(0), 8) & 0xFF)
                i += 1 + len(m.group(0))
                continue
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(
                nxt, nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return bytes(out)


def pdf_text(data: bytes) -> str:
    """The text drawn on the pages (CID strings decoded as UTF-16BE)."""
    texts = []
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        body = m.group(1).strip()
        try:
            if body.endswith(b"~>"):
                body = base64.a85decode(body[:-2])
            body = zlib.decompress(body)
        except (ValueError, zlib.error):
            continue
        for s in re.finditer(rb"\(((?:\\.|[^\\)])*)\) Tj", body, re.S):
            raw = _unescape(s.group(1))
            try:
                texts.append(raw.decode("utf-16-be") if len(raw) % 2 == 0 else raw.decode(
                    "latin-1"))
            except UnicodeDecodeError:
                texts.append(raw.decode("latin-1"))
    return "".join(texts)


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", data))
