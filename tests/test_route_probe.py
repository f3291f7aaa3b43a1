"""Every route, probed for data leaks across places and roles (what outside testers do).

The probe walks every URL pattern the project serves (``get_resolver()``, the django-ninja API
under /api/ included) and fills each path parameter with a record of a *foreign* place: 辽阳
(another city) and 龙凤 (大庆's other district), each filled by
``tests.probe_helpers.build_foreign`` with one record of every kind a route reads, every text
carrying a marker ("泄露探针甲", "泄露探针乙") and every person a known ID number and phone.
It requests each route as an anonymous visitor and as every role of 大庆: the city office, a
萨尔图 district office, a member unit, a leader, a commissioner, a talent and an employer
account (辽阳 is foreign to all of them, 龙凤 to all but the city office and its leader).

- Reads are GET. Every page route also gets an empty POST, every API route the methods it
  declares with an empty body and, for its writes, a valid body naming foreign records.
- A page a role may open is requested again with every query/form field the project's lists
  and forms read (region, unit, talent, employer, …) naming a foreign record, searched by a
  foreign person's ID number, and, if it has a search box, by their name.
- Every export the project registers and the leaders' ledger run as each role, plain and
  filtered by foreign records; the files are downloaded and read.

It fails on
- any server error (500);
- a foreign record answered with anything but a refusal (a redirect to login, 401, 403, 404,
  405, 400/422) unless the answer is a 200 or a redirect that shows none of it;
- a refusal that differs from the answer for a record that does not exist (it would tell the
  record exists), except for records whose existence is public (``NOT_SECRET``);
- any foreign marker, or any full ID number or phone of anyone (in clear), in any body — pages,
  flash messages after a redirect, JSON, downloaded xlsx/pdf/csv read cell by cell — except
  the public pages' public facts (``PUBLIC_MARKERS``) and the personal data a user reveals on
  the audited reveal routes (``REVEAL_ROUTES``) of records in their own scope;
- any change to the foreign places' rows (a fingerprint of every row that belongs to them,
  taken before and after the role's probe and after each write that was not refused);
- a route with a path parameter the probe does not know how to fill (``PARAMS``,
  ``ROUTE_PARAMS``, ``ROUTE_PREFIX_PK``, ``GUESSED_ROUTES``); meanwhile it is probed with the
  pk of every foreign record.

Routes excluded: none of the project's. Static files are served by WhiteNoise's middleware
(not a URL pattern) and there is no Django admin site (``User.is_staff`` is always False), so
neither appears in the resolver. The deployment-wide working-day calendar is not a place's
data (``SHARED_MODELS``): only the system administrator edits it, tested below.

``PROBE_DUMP=/tmp/probe.tsv`` writes every request, its status and time, for debugging.
"""

from __future__ import annotations

import functools
import json
import os
import re
import time

import pytest
from django.apps import apps
from django.core.exceptions import FieldError
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tests import cases_helpers
from tests.conftest import make_user
from tests.probe_helpers import build_foreign, file_texts, fingerprint_json
from wutong.accounts.roles import Role

ROLES = ("anonymous", "city", "district", "member", "leader", "commissioner", "talent",
         "employer")
# 辽阳 is foreign to every role; 龙凤 (大庆's other district) to all but the city office and
# the city's leader (the member unit is the city's 科技局: 龙凤's records are its own units').
NEAR_IS_FOREIGN = {"anonymous", "district", "member", "commissioner", "talent", "employer"}

# Path parameters filled by their name alone: parameter -> kind of foreign record.
PARAMS = {
    "talent_pk": "talent", "talent_id": "talent", "benefit_pk": "benefit",
    "amount_pk": "amount", "material_pk": "material", "attachment_pk": "attachment",
    "task_pk": "task", "task_id": "task", "unit_pk": "unit", "unit_id": "unit",
    "indicator_pk": "indicator_computed", "membership_id": "platform_membership",
    "platform_id": "platform", "pool": "pool", "plan_id": "plan", "round_id": "round",
    "system_id": "system", "user_id": "user", "employer_id": "employer", "case_id": "case",
}
# Parameters that are no record: the values to try (all of them, each its own URL).
LITERALS = {
    "list_key": ("talents",),
    "key": ("talent_category",),
    "field": ("id_number", "phone"),
}

# "pk" (and "item") by route: "namespace:name" -> {parameter: kind}; a kind may be a tuple
# (each tried). Kinds are the keys of build_foreign's records.
ROUTE_PARAMS: dict[str, dict[str, object]] = {
    "core:audit_detail": {"pk": "audit"},
    "core:code_item_edit": {"pk": "code_item"},
    "core:job_detail": {"pk": ("job", "job_csv")},
    "core:job_download": {"pk": ("job", "job_csv")},
    "core:saved_filter_update": {"pk": "saved_filter"},
    "core:saved_filter_delete": {"pk": "saved_filter"},
    "core:message_open": {"pk": "message"},
    "core:message_read": {"pk": "message"},
    "accounts:token_revoke": {"pk": "token"},
    "accounts:unit_detail": {"pk": ("unit", "office_unit")},
    "accounts:unit_edit": {"pk": ("unit", "office_unit")},
    "accounts:unit_reveal": {"pk": ("unit", "office_unit")},
    "accounts:user_detail": {"pk": ("user", "talent_user", "employer_user")},
    "accounts:user_edit": {"pk": ("user", "talent_user")},
    "accounts:user_reveal": {"pk": ("user", "talent_user")},
    "orgs:employer_detail": {"pk": "employer"},
    "orgs:employer_edit": {"pk": "employer"},
    "orgs:platform_detail": {"pk": "platform"},
    "orgs:platform_edit": {"pk": "platform"},
    "orgs:platform_set_active": {"pk": "platform"},
    "talents:education_update": {"item": "education"},
    "talents:education_delete": {"item": "education"},
    "talents:title_update": {"item": "title"},
    "talents:title_delete": {"item": "title"},
    "talents:skill_update": {"item": "skill"},
    "talents:skill_delete": {"item": "skill"},
    "talents:employment_update": {"item": "employment"},
    "talents:employment_delete": {"item": "employment"},
    "talents:honour_update": {"item": "honour"},
    "talents:honour_delete": {"item": "honour"},
    "talents:recognition_delete": {"item": "recognition"},
    "talents:attachment_download": {"item": "attachment"},
    "talents:attachment_delete": {"item": "attachment"},
    "policies:policy_edit": {"pk": "policy"},
    "policies:fund_edit": {"pk": "fund"},
    "policies:offer_decide": {"pk": ("entitlement", "entitlement2")},
    "policies:offer_apply": {"pk": ("entitlement", "entitlement2")},
    "policies:person_entitlements": {"pk": "talent"},
    "policies:material_download": {"pk": "application"},
    "policies:on_file_download": {"pk": "application"},
    "policies:notice_detail": {"pk": "notice"},
    "policies:notice_close": {"pk": "notice"},
    "policies:notice_public": {"pk": "notice"},
    "policies:batch_detail": {"pk": "batch"},
    "policies:batch_paid": {"pk": "batch"},
    "cases:case_detail": {"pk": ("case", "case_employer")},
    "cases:case_act": {"pk": "case"},
    "cases:person_cases": {"pk": "talent"},
    "cases:type_edit": {"pk": "case_type"},
    "cases:grid_contact_new": {"pk": "talent"},
    "cases:grid_person": {"pk": "talent"},
    "liaison:assignment_end": {"pk": "assignment"},
    "liaison:contact_detail": {"pk": "contact"},
    "liaison:contact_withdraw": {"pk": "contact"},
    "liaison:item_detail": {"pk": "item"},
    "liaison:person_section": {"pk": "talent"},
    "assessment:task_detail": {"pk": "task"},
    "assessment:report_edit": {"pk": "round"},
    "assessment:chase": {"pk": "round"},
    "assessment:round_detail": {"pk": "round"},
    "assessment:round_sheet_xlsx": {"pk": "round"},
    "assessment:round_sheet_pdf": {"pk": "round"},
    "assessment:report_comment": {"pk": "report"},
    "assessment:proof_download": {"pk": "proof"},
    "assessment:entry_edit": {"pk": ("indicator", "indicator_computed")},
    "assessment:entry_proof": {"pk": "entry"},
    "assessment:score_detail": {"pk": "score"},
    "assessment:measure_records": {"pk": "score"},
}
# Whole families of routes whose "pk" is one kind: "namespace:" + name prefix -> kind.
ROUTE_PREFIX_PK = {
    "talents:": "talent",
    "policies:benefit_": "benefit", "policies:rule_editor": "benefit",
    "policies:amount_": "benefit", "policies:simulate": "benefit",
    "policies:application_": "application",
    "liaison:leader_": "leader", "liaison:assignment_add": "leader",
    "liaison:contact_new": "leader",
    "assessment:plan_": "plan", "assessment:task_": "plan", "assessment:project_list": "plan",
    "assessment:round_new": "plan",
    "assessment:system_": "system", "assessment:indicator_new": "system",
    "assessment:ranking_xlsx": "system",
}
# Routes whose parameter names no record of a place: probed with the nearest foreign record
# there is (a guess, kept visible here).
GUESSED_ROUTES = {
    # The working-day calendar is one for the whole deployment, not a place's: the probe
    # uses a day entered by 辽阳's office (and is blind to its deletion, see
    # test_an_office_cannot_delete_another_places_calendar_day below).
    "cases:calendar_delete": {"pk": "workday_override"},
    # The case action is a word: every action the case page knows is tried.
    "cases:case_act": {"action": "case_actions"},
}
# The audited reveal routes: they show a clear ID number or phone of a record in the caller's
# own scope (never a foreign one: those are refused like any other route).
REVEAL_ROUTES = {"talents:talent_reveal", "accounts:user_reveal", "accounts:unit_reveal"}
# Public by design: the public notice board (no login) shows every place's notices of
# payments, with their benefit and the people's employers (names and ID numbers masked); the
# policy calculator (no login) explains the published benefits of the place asked about.
PUBLIC_MARKERS = {"policies:notice_board": ("公示", "事项"),
                  "policies:notice_public": ("公示", "事项", "用人单位"),
                  "policies:calculator": ("事项", "政策")}

DUMP = open(os.environ["PROBE_DUMP"], "a") if os.environ.get("PROBE_DUMP") else None  # noqa: SIM115


def foreign_fields(foreign: dict) -> dict[str, str]:
    """Query and form fields the project's lists and forms read, each naming a foreign record:
    what a tester types into the address bar to reach another place through a filter."""
    o = foreign["objs"]
    today = timezone.localdate().isoformat()
    pk = {key: str(o[key].pk) for key in o if hasattr(o[key], "pk")}
    code = foreign["region"].code
    return {
        "region": code, "root": code, "parent": code, "unit": pk["unit"],
        "talent": pk["talent"], "employer": pk["employer"], "host": pk["employer"],
        "benefit": pk["benefit"], "leader": pk["leader"], "pool": pk["pool"],
        "plan": pk["plan"], "system": pk["system"], "fund": pk["fund"], "policy": pk["policy"],
        "case_type": pk["case_type"], "type": pk["case_type"], "account": pk["talent_user"],
        "handler": pk["member_user"], "to_user": pk["commissioner"],
        "from_user": pk["commissioner"], "commissioner": pk["commissioner"],
        "secretary": pk["commissioner"], "keep": pk["talent"], "drop": pk["talent2"],
        "ids": pk["talent"], "selected": pk["talent"], "experts": pk["talent"],
        "review_units": pk["unit"], "objected": pk["application_paid"],
        "expert_pool": pk["pool"], "actor": pk["user"], "object_type": "talents.Talent",
        "object_id": pk["talent"], "employer_uscc": o["employer"].uscc, "all_matching": "1",
        # A search by a foreign person's ID number must find nobody (no existence oracle).
        "q": o["talent"].id_number.reveal(),
        # The texts and dates a form needs besides, so it gets as far as the records it names.
        **dict.fromkeys(("title", "content", "summary", "name", "done", "text", "reason",
                         "note", "comment", "answer", "basis", "post"), PROBE_TEXT),
        "on": today, "start": today, "end": today, "form": "visit", "year": today[:4],
        "month": "1", "kind": "member_unit",
    }


PROBE_TEXT = "探针填写的文字"


def api_bodies(foreign: dict) -> dict[str, dict]:
    """Valid bodies for the API's writes, naming foreign records (an empty body is refused
    before any record is looked at)."""
    o = foreign["objs"]
    return {
        "api:case_raise": {"talent_id": o["talent"].pk, "case_type_id": o["case_type"].pk,
                           "title": PROBE_TEXT, "content": PROBE_TEXT},
        "api:case_confirm": {"satisfaction": 5, "comment": PROBE_TEXT},
        "api:contact_log": {"leader_id": o["leader"].pk,
                            "on": timezone.localdate().isoformat(), "form": "visit",
                            "summary": PROBE_TEXT, "expert_ids": [o["talent"].pk]},
        "api:unit_create": {"name": PROBE_TEXT, "kind": "member_unit",
                            "region_code": foreign["region"].code},
        "api:report": {"done": PROBE_TEXT, "value_reached": 1},
    }


# Records whose existence is no secret: the public notices, the deployment's calendar.
NOT_SECRET = {*PUBLIC_MARKERS, "cases:calendar_delete"}
ECHOED = ("q", "employer_uscc")
REFUSED = {401, 403, 404, 405, 400, 422}
FIELD_RE = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


# --- the routes ------------------------------------------------------------------------
def _ninja_operations(pattern: URLPattern) -> list | None:
    for cell in getattr(pattern.callback, "__closure__", None) or ():
        view = cell.cell_contents
        if hasattr(view, "operations"):
            return view.operations
    return None


def all_routes() -> list[dict]:
    """Every URL pattern: its route text, full name, and the methods to send."""
    out, seen = [], {}

    def walk(resolver, prefix, namespace):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                walk(p, prefix + str(p.pattern), ns)
                continue
            route = prefix + str(p.pattern)
            name = f"{namespace}:{p.name}" if namespace else (p.name or route)
            if route in seen:  # django-ninja: one pattern per path answers every method
                seen[route]["writes"] |= {f"{namespace}:{op.view_func.__name__}"
                                          for op in _ninja_operations(p) or ()
                                          if set(op.methods) - {"GET"}}
                continue
            operations = _ninja_operations(p)
            writes = set()
            if operations is None:
                methods = ("GET", "POST")
            else:
                methods = tuple(sorted({"GET", *(m for op in operations for m in op.methods)}))
                writes = {f"{namespace}:{op.view_func.__name__}" for op in operations
                          if set(op.methods) - {"GET"}}
            out.append({"route": route, "name": name, "methods": methods,
                        "writes": writes,
                        "params": [m.group("name") for m in FIELD_RE.finditer(route)]})
            seen[route] = out[-1]

    walk(get_resolver(), "", None)
    # Logging out ends the session: last, so the role's other probes run logged in.
    out.sort(key=lambda r: r["name"] == "accounts:logout")
    return out


def kind_of(route: dict, param: str):
    """The kind(s) of foreign record a parameter takes, or None if the probe cannot tell."""
    name = route["name"]
    for table in (GUESSED_ROUTES, ROUTE_PARAMS):
        if param in table.get(name, {}):
            return table[name][param]
    if param in PARAMS:
        return PARAMS[param]
    if param in LITERALS:
        return ("literal", param)
    if param == "pk":
        for prefix, kind in ROUTE_PREFIX_PK.items():
            if name.startswith(prefix):
                return kind
    return None


def unmapped_routes() -> list[str]:
    return [f"{r['name']} ({r['route']}) <{p}>" for r in all_routes() for p in r["params"]
            if kind_of(r, p) is None]


def urls_for(route: dict, foreign: dict) -> list[str]:
    """The URLs of a route with every parameter filled with foreign values (all combinations
    of the kinds a parameter may take). An unknown parameter takes every foreign pk."""
    objs = foreign["objs"]
    choices = []
    for param in route["params"]:
        kind = kind_of(route, param)
        if kind is None:
            values = sorted({str(o.pk) for o in objs.values() if hasattr(o, "pk")})
        elif isinstance(kind, tuple) and kind and kind[0] == "literal":
            values = list(LITERALS[kind[1]])
        elif kind == "case_actions":
            from wutong.cases.views import ACTIONS

            values = sorted(ACTIONS)
        else:
            kinds = kind if isinstance(kind, tuple) else (kind,)
            values = [str(objs[k].pk) for k in kinds]
        choices.append(values)
    urls = [route["route"]]
    for param, values in zip(route["params"], choices, strict=True):
        urls = [FIELD_RE.sub(lambda m, p=param, v=v: v if m.group("name") == p else m.group(0),
                             u) for u in urls for v in values]
    return ["/" + u for u in urls]


def missing_url(route: dict, url: str) -> str | None:
    """The URL with its record parameters pointing at records that do not exist (words, such
    as a field or an action, kept), or None if it has none."""
    pattern = "/" + FIELD_RE.sub(lambda m: f"(?P<{m.group('name')}>[^/]+)",
                                 re.escape(route["route"]).replace(r"\<", "<").replace(
                                     r"\>", ">"))
    match = re.fullmatch(pattern, url)
    if match is None:
        return None
    values = {}
    for name, value in match.groupdict().items():
        if value.isdigit():
            values[name] = "999999"
        elif re.fullmatch(r"[0-9a-f-]{36}", value):
            values[name] = "00000000-0000-4000-8000-000000000000"
        else:
            values[name] = value
    if values == match.groupdict():
        return None
    return "/" + FIELD_RE.sub(lambda m: values[m.group("name")], route["route"])


# --- the database side -----------------------------------------------------------------
# Rows that belong to the whole deployment, whoever entered them.
SHARED_MODELS = {"cases.WorkdayOverride"}
_REGION_PATHS = ("region", "talent__region", "application__region", "case__region",
                 "benefit__region", "contact__region", "plan__region", "report__region",
                 "system__region", "indicator__region", "score__region", "leader__region",
                 "platform__region", "pool__region", "employer__region", "user__region",
                 "recipient__region", "owner__region", "created_by__region", "unit__region",
                 "message__recipient__region", "round__region", "task__region",
                 "fund__region", "policy__region", "table__items__region")


@functools.cache
def _region_lookup(model) -> str | None:
    spec = getattr(model, "scope", None)
    candidates = ([spec.region] if spec is not None and spec.region else []) + list(
        _REGION_PATHS)
    if model._meta.label == "core.Region":
        return "parent"
    for lookup in candidates:
        try:
            model._default_manager.filter(**{f"{lookup}__in": [0]}).query.get_compiler(
                "default")
            return lookup
        except (FieldError, ValueError):
            continue
    return None


def foreign_fingerprint(region_ids) -> dict[str, str]:
    """A hash of every row of every project model that belongs to the foreign place."""
    out = {}
    for model in apps.get_models():
        if not model.__module__.startswith("wutong.") or model._meta.label in SHARED_MODELS:
            continue
        lookup = _region_lookup(model)
        if lookup is None:
            continue
        qs = model._default_manager.filter(**{f"{lookup}__in": region_ids}).distinct()
        rows = list(qs.order_by("pk").values())
        out[model._meta.label] = fingerprint_json(rows)
    return out


def clear_personal_data() -> set[str]:
    """Every ID number and phone on file, in clear (people, accounts, units, employers)."""
    from wutong.core.pii import PersonalDataField

    found = set()
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields
                  if isinstance(f, PersonalDataField) and f.kind != "text"]
        for obj in model._default_manager.all() if fields else ():
            for f in fields:
                value = getattr(obj, f.attname, None)
                if value:
                    found.add(value.reveal())
    return {v for v in found if len(v) >= 11}


# --- the probe -------------------------------------------------------------------------
class _Undo(Exception):
    """Raised inside the savepoint of a request that failed, to roll back what it did."""


def _body(response) -> bytes:
    # Reading a stream through the test client's wrapper closes it the way the client
    # expects (closing it by hand would fire request_finished, which closes the database).
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _request(client, method: str, url: str, data: dict | None = None) -> tuple[int, str, str]:
    """(status, Location, readable text of the body) of one request, in a savepoint that is
    rolled back if the request failed with a server error."""
    try:
        with transaction.atomic():
            kwargs = {"data": data} if data else {}
            if url.startswith("/api/") and method != "GET":
                kwargs = {"data": json.dumps(data or {}), "content_type": "application/json"}
            response = getattr(client, method.lower())(url, **kwargs)
            status = response.status_code
            location = response.get("Location", "")
            text = file_texts(_body(response))
            if status >= 500:
                raise _Undo(status, location, text)
    except _Undo as undo:
        status, location, text = undo.args
    return status, location, text


def _to_login(status: int, location: str) -> bool:
    return status in (301, 302) and "/accounts/login/" in location


@pytest.fixture
def probe_world(world):
    w = cases_helpers.build(world)  # the talent's and the employer's own file, 大庆 cases
    # conftest's talent has the phone the import templates show as their example: another
    # one here, so a template is not taken for a leak.
    w["talent"].phone = "13912340001"
    w["talent"].save()
    w["commissioner"] = make_user("commissioner", Role.COMMISSIONER, "230602",
                                  full_name="大庆专员")
    far = build_foreign(w)  # 辽阳: another city, foreign to every role of 大庆
    near = build_foreign(w, code="230603", tag="乙", office_key="longfeng", seed=77,
                         phone_prefix="1372")  # 龙凤: 大庆's other district
    return w, {"far": far, "near": near}


def leaks(label: str, name: str, text: str, sets: list[dict], secrets: set[str]) -> list[str]:
    """What a body shows that it must not: a marker of a foreign place (on the public pages,
    one of a kind not meant to be public), or an ID number or phone in clear (on the reveal
    routes, one of a foreign place's people)."""
    found = []
    public = PUBLIC_MARKERS.get(name)
    for foreign in sets:
        marker = foreign["marker"]
        if public is None:
            if marker in text:
                at = text.index(marker)
                found.append(f"{label}: shows foreign data «{text[at:at + 40]}»")
            continue
        allowed = tuple(f"{marker}{k}" for k in public)
        found.extend(f"{label}: shows foreign data «{m}» (public page)"
                     for m in foreign["markers"] if m in text and not m.startswith(allowed))
    if name in REVEAL_ROUTES:
        secrets = {v for f in sets for v in f["secrets"]}
    found.extend(f"{label}: shows a full ID number or phone in clear ({v[:3]}…{v[-2:]})"
                 for v in secrets if v in text)
    return found


def client_for(w, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(w[role])
    return client


def probe_role(w, sets: list[dict], role: str, routes: list[dict]) -> tuple[list[str], dict]:
    """Request every route as ``role`` with the records of each foreign place in ``sets``
    (places the role must not reach); the problems found, and counts."""
    from wutong.core.models import Region

    region_ids = sorted({i for f in sets
                         for i in Region.objects.get(pk=f["region"].pk).subtree_ids()})
    before = foreign_fingerprint(region_ids)
    secrets = clear_personal_data()
    client = client_for(w, role)
    problems: list[str] = []
    counts = {"requests": 0, "fingerprints": 0}

    def check_text(label: str, name: str, text: str) -> None:
        problems.extend(leaks(label, name, text, sets, secrets))

    def one(route, method, url, data=None, *, foreign_ids) -> tuple[int, str]:
        nonlocal before
        label = f"{role} {method} {url}{' +foreign fields' if data else ''} [{route['name']}]"
        t0 = time.monotonic()
        status, location, text = _request(client, method, url, data)
        counts["requests"] += 1
        # What the probe typed comes back in the search box: not a leak in itself (a person
        # found by it shows their other data, which is still looked for).
        echoes = [data[k] for k in ECHOED if data and k in data]
        for value in echoes:
            text = text.replace(value, "")
        if DUMP:
            DUMP.write(f"{label}\t{status}\t{location}\t{len(text)}\t"
                       f"{time.monotonic() - t0:.3f}\n")
        if status >= 500:
            problems.append(f"{label}: server error {status}")
            return status, text
        check_text(label, route["name"], text)
        if status in (301, 302) and not _to_login(status, location) and location:
            # One hop, so a message left for the next page is read here.
            hop_status, _loc, hop_text = _request(client, "GET", location)
            counts["requests"] += 1
            for value in echoes:
                hop_text = hop_text.replace(value, "")
            if hop_status >= 500:
                problems.append(f"{label} -> {location}: server error {hop_status}")
            check_text(f"{label} -> {location}", "", hop_text)
        if route["params"] and status not in REFUSED | {200, 301, 302}:
            problems.append(f"{label}: foreign record answered {status}")
        if route["params"] and not data and status not in (404, 405) and \
                not _to_login(status, location) and route["name"] not in NOT_SECRET:
            # A refusal must not tell a foreign record from a missing one.
            missing = missing_url(route, url)
            if missing:
                m_status, m_location, _t = _request(client, method, missing)
                counts["requests"] += 1
                if m_status >= 500:
                    problems.append(f"{role} {method} {missing}: server error {m_status}")
                elif (m_status, m_location != "") != (status, location != ""):
                    problems.append(f"{label}: answered {status}, a missing record "
                                    f"{m_status} (tells that the record exists)")
        if role == "anonymous" and status == 200 and route["params"] and \
                route["name"] not in PUBLIC_MARKERS:
            problems.append(f"{label}: open to anonymous visitors")
        if foreign_ids and method != "GET" and status not in REFUSED and \
                not _to_login(status, location):
            after = foreign_fingerprint(region_ids)
            counts["fingerprints"] += 1
            changed = sorted(k for k in before if after.get(k) != before[k])
            if changed:
                problems.append(f"{label}: changed foreign rows of {changed}")
                before = after
        return status, text

    bodies = api_bodies(sets[0])
    for route in routes:
        if route["params"]:
            for n, foreign in enumerate(sets):
                for url in urls_for(route, foreign):
                    # Writes are tried on the first place's records; the others are read.
                    for method in route["methods"] if n == 0 else ("GET",):
                        one(route, method, url, foreign_ids=True)
                        if method != "GET" and (body := _body_for(route, bodies)):
                            one(route, method, url, body, foreign_ids=True)
        else:
            url = "/" + route["route"]
            plain_get = None
            for method in route["methods"]:
                status, text = one(route, method, url, foreign_ids=False)
                if method != "GET" and (body := _body_for(route, bodies)):
                    one(route, method, url, body, foreign_ids=True)
                if role == "anonymous" or status in REFUSED or _to_login(status, ""):
                    continue
                if method == "GET":
                    plain_get = (status, len(text))
                elif (status, len(text)) == plain_get:
                    continue  # the page ignores a POST (it shows what a GET shows)
                # A page the role may open: again with every filter naming a foreign
                # record, and searched by a foreign person's name if it has a search box.
                for n, foreign in enumerate(sets):
                    if n and method != "GET":
                        continue
                    fields = foreign_fields(foreign)
                    _s, shown = one(route, method, url, fields, foreign_ids=True)
                    if method == "GET" and 'name="q"' in shown:
                        one(route, method, url, dict(fields, q=foreign["objs"]["talent"].name),
                            foreign_ids=False)
        if route["name"] == "accounts:logout":
            client = client_for(w, role)
    after = foreign_fingerprint(region_ids)
    changed = sorted(k for k in before if after.get(k) != before[k])
    if changed:
        problems.append(f"{role}: foreign rows changed during the probe: {changed}")
    return problems, counts


def _body_for(route: dict, bodies: dict) -> dict | None:
    return next((bodies[w] for w in sorted(route["writes"]) if w in bodies), None)


class _Any:
    """Stands for the records when only the keys of ``api_bodies`` are wanted."""

    pk = code = 0

    def __getitem__(self, key):
        return self


# --- the tests -------------------------------------------------------------------------
def test_every_route_parameter_is_mapped_to_a_kind_of_record():
    """A new route with a parameter the probe cannot fill must be added to the tables above
    (it is still probed, with every foreign pk, meanwhile)."""
    assert unmapped_routes() == []


def test_the_probe_covers_every_route_of_the_project():
    routes = all_routes()
    names = {r["name"] for r in routes}
    # every write of the API is also sent a valid body naming foreign records
    writes = {w for r in routes for w in r["writes"]}
    assert set(api_bodies({"objs": _Any(), "region": _Any()})) == writes
    assert len(routes) > 200
    assert {"talents:talent_detail", "talents:attachment_download", "api:talent",
            "api:case_get", "policies:material_download", "assessment:round_sheet_xlsx",
            "core:job_download", "accounts:user_reveal"} <= names
    for table in (ROUTE_PARAMS, GUESSED_ROUTES, PUBLIC_MARKERS):
        assert set(table) <= names, set(table) - names  # no stale entries
    assert names >= REVEAL_ROUTES


@pytest.mark.parametrize("role", ROLES)
def test_no_route_leaks_the_other_place(probe_world, role):
    w, places = probe_world
    sets = [places["far"]] + ([places["near"]] if role in NEAR_IS_FOREIGN else [])
    started = time.monotonic()
    problems, counts = probe_role(w, sets, role, all_routes())
    took = time.monotonic() - started
    assert not problems, f"{len(problems)} problems ({counts} requests, " \
                         f"{took:.1f} s):\n" + "\n".join(problems)


# Detail pages, downloads and API records of every format, each expected to show the foreign
# records to the foreign office itself: the probe's own check, that it sees what it looks for.
IN_SCOPE_CONTROL = (
    "talents:talent_detail", "talents:attachment_download", "talents:talent_reveal",
    "accounts:user_detail", "accounts:user_reveal", "accounts:unit_detail",
    "orgs:employer_detail", "orgs:platform_detail", "policies:benefit_detail",
    "policies:application_detail", "policies:material_download", "policies:on_file_download",
    "policies:notice_detail", "policies:batch_detail", "cases:case_detail",
    "liaison:leader_detail", "liaison:contact_detail", "liaison:item_detail",
    "assessment:plan_detail", "assessment:round_detail", "assessment:round_sheet_xlsx",
    "assessment:round_sheet_pdf", "assessment:proof_download", "assessment:entry_proof",
    "assessment:system_detail", "assessment:ranking_xlsx", "assessment:score_detail",
    "core:audit_detail", "core:job_download", "core:code_table",
    "api:talent", "api:employer", "api:case_get", "api:user", "api:tasks",
)


def test_the_probe_sees_the_records_where_they_are_in_scope(probe_world):
    w, places = probe_world
    routes = [r for r in all_routes() if r["name"] in IN_SCOPE_CONTROL]
    assert {r["name"] for r in routes} == set(IN_SCOPE_CONTROL)
    problems, _counts = probe_role(w, [places["far"]], "other_city", routes)
    seen = {name for name in IN_SCOPE_CONTROL
            if any(f"[{name}]" in p and ("shows foreign data" in p or "in clear" in p)
                   for p in problems)}
    assert seen == set(IN_SCOPE_CONTROL), set(IN_SCOPE_CONTROL) - seen
    # the xlsx, csv and PDF files were read, not only the pages
    assert any("core:job_download" in p and "job_csv" not in p for p in problems)


def test_an_office_cannot_delete_another_places_calendar_day(probe_world, login):
    """The working-day calendar has no region: one for the whole deployment, entered by the
    system administrator only (an office once could move every place's case deadlines)."""
    from wutong.cases.models import WorkdayOverride

    w, places = probe_world
    day = places["far"]["objs"]["workday_override"]  # entered by 辽阳's office
    for who in ("district", "city"):
        assert login(w[who]).post(f"/cases/calendar/{day.pk}/delete/").status_code == 403
    assert WorkdayOverride.objects.filter(pk=day.pk).exists()


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_no_export_leaks_the_other_place(probe_world, role, django_capture_on_commit_callbacks):
    """Every registered export and the leaders' ledger (xlsx and PDF), as each role, plain and
    filtered by the foreign places' records: the files, read cell by cell, show none of it."""
    from wutong.core.exports import _EXPORTERS
    from wutong.core.models import Job

    w, places = probe_world
    sets = [places["far"]] + ([places["near"]] if role in NEAR_IS_FOREIGN else [])
    secrets = clear_personal_data()
    client = client_for(w, role)
    problems, files = [], 0
    today = timezone.localdate().isoformat()
    jobs = []
    for key in sorted(_EXPORTERS):
        variants = [({}, "xlsx")] + [(foreign_fields(f), fmt)
                                     for f, fmt in zip(sets, ("csv", "xlsx"), strict=False)]
        for data, fmt in variants:
            jobs.append(("/exports/", {**data, "exporter": key, "format": fmt}, key))
    year = today[:4]
    for fmt in ("pdf", "xlsx"):  # the whole place of the role
        jobs.append(("/liaison/ledger/", {"scope": "place", "start": f"{year}-01-01",
                                          "end": today, "format": fmt}, "ledger"))
    for f in sets:
        o = f["objs"]
        for scope, fmt in (("place", "pdf"), ("leader", "xlsx"), ("unit", "pdf")):
            jobs.append(("/liaison/ledger/", {
                "scope": scope, "region": f["region"].code, "leader": o["leader"].pk,
                "unit": o["unit"].pk, "start": f"{year}-01-01", "end": today, "format": fmt},
                f"ledger {scope}"))
    for url, data, what in jobs:
        before = set(Job.objects.values_list("pk", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            status, _location, text = _request(client, "POST", url, data)
        filtered = "q" in data or "leader" in data
        label = f"{role} export {what} {data['format']} ({'filtered' if filtered else 'plain'})"
        if status >= 500:
            problems.append(f"{label}: server error {status}")
            continue
        problems.extend(leaks(label, "", text, sets, secrets))
        for job in Job.objects.exclude(pk__in=before):
            assert job.created_by_id == w[role].pk
            if job.status == "failed":
                problems.append(f"{label}: the job failed ({job.message[:80]})")
            problems.extend(leaks(f"{label} (job message)", "", job.message, sets, secrets))
            if not job.result_file:
                continue
            d_status, _l, content = _request(client, "GET", f"/jobs/{job.pk}/download/")
            assert d_status == 200, (label, d_status)
            files += 1
            problems.extend(leaks(f"{label} -> {job.result_name}", "", content, sets, secrets))
    assert not problems, f"{len(problems)} problems ({files} files):\n" + "\n".join(problems)
    if role in ("city", "district"):
        assert files >= len(_EXPORTERS)  # the office exports everything: files were read
