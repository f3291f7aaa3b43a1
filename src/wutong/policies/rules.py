"""Rules as data: a JSON tree over the fact vocabulary, validated, compiled to SQL, explained.

    {"all": [node, …]}   every child holds          {"any": [node, …]}  one child holds
    {"not": node}        the child does not hold
    {"fact": "social_insurance_months", "op": "gte", "value": 12, "ref": "第五条"}  a clause

``validate_rule`` refuses anything else with Chinese messages; nothing here evaluates code
(no ``eval``/``exec``): a rule is only ever walked as data. ``compile_rule`` turns it into a
``Q`` over ``Talent`` (the scan, the simulation); ``explain`` walks it for one person's facts
and says clause by clause what held, with the value read and the clause's legal reference.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from wutong.core.errors import ValidationFailed
from wutong.policies.facts import (
    ALWAYS,
    BOOL,
    CODE,
    DATE,
    LIST_OPS,
    NEVER,
    NO_VALUE_OPS,
    NUMBER,
    OP_LABELS,
    REGION,
    compare,
    display_value,
    get_fact,
)

MAX_DEPTH = 6
MAX_NODES = 200
EMPTY_RULE = {"all": []}


def _parse_date(value):
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _problem(where: str, message: str) -> dict:
    return {"field": where, "message": message}


def validate_rule(rule) -> dict:
    """Check a rule against the vocabulary; return it normalised (dates as ISO text, numbers
    as int) or raise ``ValidationFailed`` listing every problem, each with its place."""
    problems: list[dict] = []
    count = [0]
    normal = _check(rule, "条件", 0, problems, count)
    if problems:
        raise ValidationFailed(_("规则有误：%(first)s") % {"first": problems[0]["message"]},
                               details=problems)
    return normal


def _check(node, where: str, depth: int, problems: list, count: list):
    count[0] += 1
    if count[0] > MAX_NODES:
        problems.append(_problem(where, _("规则过于复杂（最多 %(n)s 个条件）。")
                                 % {"n": MAX_NODES}))
        return None
    if depth > MAX_DEPTH:
        problems.append(_problem(where, _("条件嵌套过深（最多 %(n)s 层）。") % {"n": MAX_DEPTH}))
        return None
    if not isinstance(node, dict):
        problems.append(_problem(where, _("%(w)s：应为一个条件或条件组。") % {"w": where}))
        return None
    if "fact" in node:
        return _check_leaf(node, where, problems)
    kinds = [k for k in ("all", "any", "not") if k in node]
    if len(kinds) != 1 or len(node) != 1:
        problems.append(_problem(where, _("%(w)s：条件组须是“全部满足”“任一满足”或“不满足”之一。")
                                 % {"w": where}))
        return None
    kind = kinds[0]
    if kind == "not":
        return {"not": _check(node["not"], f"{where}/不满足", depth + 1, problems, count)}
    children = node[kind]
    if not isinstance(children, list):
        problems.append(_problem(where, _("%(w)s：条件组应包含条件列表。") % {"w": where}))
        return None
    label = _("全部满足") if kind == "all" else _("任一满足")
    return {kind: [_check(c, f"{where}/{label}第{i + 1}项", depth + 1, problems, count)
                   for i, c in enumerate(children)]}


def _check_leaf(node: dict, where: str, problems: list):
    fact = get_fact(node.get("fact"))
    if fact is None:
        problems.append(_problem(where, _("%(w)s：没有“%(f)s”这一项事实。")
                                 % {"w": where, "f": node.get("fact")}))
        return None
    where = f"{where}（{fact.label}）"
    extra = set(node) - {"fact", "op", "value", "ref"}
    if extra:
        problems.append(_problem(where, _("%(w)s：不认识的字段 %(x)s。")
                                 % {"w": where, "x": "、".join(sorted(extra))}))
    op = node.get("op")
    if op not in fact.operators:
        allowed = "、".join(str(OP_LABELS[o]) for o in fact.operators)
        problems.append(_problem(where, _("%(w)s：不能使用运算“%(op)s”，可用：%(allowed)s。")
                                 % {"w": where, "op": OP_LABELS.get(op, op), "allowed": allowed}))
        return None
    out = {"fact": fact.key, "op": op}
    if node.get("ref"):
        out["ref"] = str(node["ref"])[:200]
    if op in NO_VALUE_OPS:
        return out
    value = node.get("value")
    checked = _check_value(fact, op, value, where, problems)
    if checked is not None:
        out["value"] = checked
    return out


def _check_value(fact, op, value, where, problems):
    def bad(message):
        problems.append(_problem(where, f"{where}：{message}"))

    if op == "between":
        if not isinstance(value, list | tuple) or len(value) != 2:
            bad(_("“介于”需要两个值（下限和上限）。"))
            return None
        low, high = (_scalar(fact, v) for v in value)
        if low is None or high is None:
            bad(_("“介于”的两个值格式不正确。"))
            return None
        if low > high:
            bad(_("下限不能大于上限。"))
            return None
        return [_out(low), _out(high)]
    if op in LIST_OPS:
        values = value if isinstance(value, list | tuple) else [value] if value not in (
            None, "") else []
        if not values:
            bad(_("请至少选择一个值。"))
            return None
        values = [str(v) for v in values]
        return _check_codes(fact, values, bad)
    one = _scalar(fact, value)
    if one is None:
        bad({NUMBER: _("请填写整数。"), DATE: _("请填写日期，如 2024-01-01。")}.get(
            fact.type, _("请填写一个值。")))
        return None
    if fact.type == CODE:
        checked = _check_codes(fact, [str(one)], bad)
        return checked[0] if checked else None
    return _out(one)


def _check_codes(fact, values, bad):
    if fact.type == REGION:
        from wutong.core.models import Region

        known = set(Region.objects.filter(code__in=values).values_list("code", flat=True))
    elif fact.codes:
        known = {c for c, _n in fact.choices()}
    else:
        return values
    unknown = [v for v in values if v not in known and v != ""]
    if unknown:
        bad(_("“%(v)s”不是有效的取值。") % {"v": "、".join(unknown)})
        return None
    return values


def _scalar(fact, value):
    if fact.type == NUMBER:
        if isinstance(value, bool):
            return None
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            return None
        return number if -100000 <= number <= 100000 else None
    if fact.type == DATE:
        return _parse_date(value)
    if value in (None, ""):
        return None if fact.type != CODE else ""
    return str(value)


def _out(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _typed(fact, op, value):
    """The operand as the evaluators compare it (dates as dates)."""
    if fact.type == DATE:
        return [_parse_date(v) for v in value] if op == "between" else _parse_date(value)
    return value


# --- the set-based evaluator -------------------------------------------------------------

def compile_rule(rule: dict, *, on: dt.date) -> Q:
    """The rule as a ``Q`` over ``Talent`` for the decisive date ``on`` (validate first)."""
    if "fact" in rule:
        fact = get_fact(rule["fact"])
        return fact.source.q(rule["op"], _typed(fact, rule["op"], rule.get("value")), on)
    if "not" in rule:
        return ~compile_rule(rule["not"], on=on)
    kind = "all" if "all" in rule else "any"
    children = [compile_rule(c, on=on) for c in rule[kind]]
    if not children:  # all of nothing holds; any of nothing does not
        return ALWAYS if kind == "all" else NEVER
    q = children[0]
    for child in children[1:]:
        q = (q & child) if kind == "all" else (q | child)
    return q


# --- the one-person evaluator -------------------------------------------------------------

@dataclass
class Trace:
    """One node of an explanation: did it hold, what it says, and its children."""

    held: bool
    text: str
    kind: str = "fact"  # fact | all | any | not
    ref: str = ""
    children: list[Trace] = field(default_factory=list)

    def lines(self, depth: int = 0) -> list[tuple[int, Trace]]:
        out = [(depth, self)]
        for child in self.children:
            out.extend(child.lines(depth + 1))
        return out

    def failed_reasons(self) -> list[str]:
        """The clause texts that made the rule fail (for a one-line refusal)."""
        if self.held:
            return []
        if self.kind == "fact":
            return [self.text]
        if self.kind == "not":
            return [self.text]
        if self.kind == "all":
            return [r for c in self.children for r in c.failed_reasons()]
        return [self.text] if not self.children else \
            [r for c in self.children for r in c.failed_reasons()][:3]


def evaluate(rule: dict, facts: dict, *, on: dt.date) -> bool:
    """Whether the rule holds for one person's facts (the fast path of ``explain``)."""
    if "fact" in rule:
        fact = get_fact(rule["fact"])
        return holds(fact, rule["op"], facts.get(fact.key),
                     _py_operand(fact, rule["op"], rule.get("value")))
    if "not" in rule:
        return not evaluate(rule["not"], facts, on=on)
    if "all" in rule:
        return all(evaluate(c, facts, on=on) for c in rule["all"])
    return any(evaluate(c, facts, on=on) for c in rule["any"])


def holds(fact, op: str, value, operand) -> bool:
    """One clause for one person; a region is "in" when inside one of the subtrees."""
    if fact.type == REGION:
        if value is None:
            return False
        inside = any(value.startswith(p) for p in operand)
        return inside if op == "in" else not inside
    return compare(value, op, operand)


def _py_operand(fact, op, value):
    value = _typed(fact, op, value)
    if fact.type == REGION:
        from wutong.policies.facts import region_paths

        return tuple(region_paths(tuple(value)))
    return value


def explain(rule: dict, facts: dict, *, on: dt.date) -> Trace:
    """Clause by clause: which held, which not, the value read, the legal reference."""
    if "fact" in rule:
        return _explain_leaf(rule, facts)
    if "not" in rule:
        inner = explain(rule["not"], facts, on=on)
        return Trace(not inner.held, _("不得满足：%(t)s") % {"t": inner.text} if inner.kind
                     == "fact" else _("不得满足以下条件"), "not", children=[inner])
    kind = "all" if "all" in rule else "any"
    children = [explain(c, facts, on=on) for c in rule[kind]]
    held = all(c.held for c in children) if kind == "all" else any(c.held for c in children)
    text = _("同时满足以下全部条件") if kind == "all" else _("满足以下任一条件")
    return Trace(held, text, kind, children=children)


def _explain_leaf(rule: dict, facts: dict) -> Trace:
    fact = get_fact(rule["fact"])
    op = rule["op"]
    value = facts.get(fact.key)
    operand = _py_operand(fact, op, rule.get("value"))
    held = holds(fact, op, value, operand)
    read = display_value(fact, value)
    need = _describe_need(fact, op, rule.get("value"))
    verdict = _("符合") if held else _("不符合")
    text = _("%(verdict)s：%(label)s为 %(read)s，%(need)s") % {
        "verdict": verdict, "label": fact.label, "read": read, "need": need}
    return Trace(held, text, "fact", ref=rule.get("ref", ""))


def _describe_need(fact, op, value) -> str:
    labels = dict(fact.choices()) if fact.codes else {}
    unit = f" {fact.unit}" if fact.unit else ""
    if op in NO_VALUE_OPS:
        return _("需为“是”") if op == "is_true" else _("需为“否”")
    if fact.type == REGION:
        from wutong.policies.facts import region_name

        value = [region_name(v) for v in value]
    if isinstance(value, list) and op != "between":
        shown = "、".join(labels.get(v, v) for v in value)
    elif op == "between":
        shown = _("%(a)s 至 %(b)s") % {"a": value[0], "b": value[1]}
    else:
        shown = labels.get(value, value) if fact.type in (CODE,) else value
    phrase = {"eq": _("需为"), "ne": _("不能为"), "in": _("需属于"), "not_in": _("不能属于"),
              "gte": _("需满"), "lte": _("需不超过"), "gt": _("需大于"), "lt": _("需小于"),
              "between": _("需在"), "contains": _("需包含任一：")}[op]
    if fact.type == BOOL:
        return phrase
    return f"{phrase} {shown}{unit}".replace("： ", "：")


def rule_facts(rule: dict) -> set[str]:
    """The fact keys a rule reads."""
    if "fact" in rule:
        return {rule["fact"]}
    if "not" in rule:
        return rule_facts(rule["not"])
    return set().union(*(rule_facts(c) for c in rule.get("all", rule.get("any", []))))
