"""The rule editor as office staff use it: rows of (group, not, fact, operator, value), one
combinator on top ("全部满足" / "任一满足") and the opposite inside numbered groups. The page
redraws the editor through HTMX on every change; this module turns the posted rows into the
JSON tree and a tree back into rows (a tree the rows cannot show is edited as JSON)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from wutong.policies.facts import FACTS, LIST_OPS, NO_VALUE_OPS, OP_LABELS, REGION, get_fact

MAX_ROWS = 40
GROUPS = 4


@dataclass
class Row:
    group: int = 0
    negate: bool = False
    fact: str = ""
    op: str = ""
    values: list[str] = field(default_factory=list)
    ref: str = ""

    @property
    def fact_def(self):
        return get_fact(self.fact)

    @property
    def op_choices(self):
        fact = self.fact_def
        return [(o, str(OP_LABELS[o])) for o in fact.operators] if fact else []

    @property
    def is_list(self) -> bool:
        return self.op in LIST_OPS

    @property
    def no_value(self) -> bool:
        return self.op in NO_VALUE_OPS

    @property
    def low(self) -> str:
        return self.values[0] if self.values else ""

    @property
    def high(self) -> str:
        return self.values[1] if len(self.values) > 1 else ""

    def value_choices(self, regions=()):
        fact = self.fact_def
        if fact is None:
            return []
        if fact.type == REGION:
            return list(regions)
        return fact.choices()

    def node(self):
        fact = self.fact_def
        if fact is None:
            return None
        leaf = {"fact": self.fact, "op": self.op}
        if self.op == "between":
            leaf["value"] = [self.low, self.high]
        elif self.is_list:
            leaf["value"] = [v for v in self.values if v != ""]
        elif not self.no_value:
            leaf["value"] = self.low
        if self.ref:
            leaf["ref"] = self.ref
        return {"not": leaf} if self.negate else leaf


def facts_menu():
    return [(f.key, f.label) for f in FACTS]


def rows_from_post(data) -> tuple[str, list[Row]]:
    """The top combinator and the rows as posted (``row-<i>-…`` fields)."""
    top = "any" if data.get("top") == "any" else "all"
    rows = []
    for i in range(min(int(data.get("rows") or 0), MAX_ROWS)):
        fact = data.get(f"row-{i}-fact", "")
        fdef = get_fact(fact)
        op = data.get(f"row-{i}-op", "")
        if fdef is not None and op not in fdef.operators:
            op = fdef.operators[0]
        if op in LIST_OPS:
            values = data.getlist(f"row-{i}-value")
        else:
            values = [data.get(f"row-{i}-value", ""), data.get(f"row-{i}-value2", "")]
            values = values[:2] if op == "between" else values[:1]
        try:
            group = max(0, min(GROUPS, int(data.get(f"row-{i}-group") or 0)))
        except ValueError:
            group = 0
        rows.append(Row(group=group, negate=bool(data.get(f"row-{i}-not")), fact=fact,
                        op=op, values=[v.strip() for v in values],
                        ref=data.get(f"row-{i}-ref", "").strip()[:200]))
    return top, rows


def tree_from_rows(top: str, rows: list[Row]) -> dict:
    inner = "any" if top == "all" else "all"
    children, groups = [], {}
    for row in rows:
        node = row.node()
        if node is None:
            continue
        if row.group == 0:
            children.append(node)
        else:
            if row.group not in groups:
                groups[row.group] = {inner: []}
                children.append(groups[row.group])
            groups[row.group][inner].append(node)
    return {top: children}


def rows_from_tree(rule: dict) -> tuple[str, list[Row]] | None:
    """Rows showing a tree, or None when the rows cannot show it (edit it as JSON)."""
    top = "all" if "all" in rule else "any" if "any" in rule else None
    if top is None:
        return None
    inner = "any" if top == "all" else "all"
    rows, group = [], 0
    for child in rule[top]:
        if inner in child:
            group += 1
            if group > GROUPS:
                return None
            for leaf in child[inner]:
                row = _leaf_row(leaf, group)
                if row is None:
                    return None
                rows.append(row)
        else:
            row = _leaf_row(child, 0)
            if row is None:
                return None
            rows.append(row)
    return top, rows


def _leaf_row(node: dict, group: int) -> Row | None:
    negate = False
    if "not" in node:
        negate, node = True, node["not"]
    if "fact" not in node:
        return None
    value = node.get("value")
    values = [str(v) for v in value] if isinstance(value, list) else \
        [] if value is None else [str(value)]
    return Row(group=group, negate=negate, fact=node["fact"], op=node["op"], values=values,
               ref=node.get("ref", ""))


def rule_json(rule: dict) -> str:
    return json.dumps(rule, ensure_ascii=False, indent=1)


def parse_json(text: str) -> dict:
    from wutong.core.errors import ValidationFailed

    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ValidationFailed(_("JSON 格式不正确：%(e)s") % {"e": exc.msg}) from exc
    return value
