"""django-tables2 helpers shared by every list: showing the columns a user chose."""

from __future__ import annotations

from wutong.core.lists import ListSpec

# Classes that hide a secondary column on a phone; a column the user chose stays visible (the
# table scrolls sideways instead).
RESPONSIVE_HIDING = ("d-none", "d-md-table-cell")


def apply_column_choice(table, spec: ListSpec, shown: list[str], *, chosen: bool) -> None:
    """Hide the list's columns that are not in ``shown`` and put the rest in its order.

    Columns the spec does not know (the row checkbox) keep their place in front.
    """
    names = list(table.base_columns.keys())
    choosable = {c.key for c in spec.columns}
    for name in names:
        if name in choosable:
            (table.columns.show if name in shown else table.columns.hide)(name)
    fixed = [n for n in names if n not in choosable]
    table.sequence = fixed + [k for k in shown if k in names] + ["..."]
    if not chosen:
        return
    for name in shown:
        if name not in names:
            continue
        column = table.columns[name].column
        attrs = dict(column.attrs)
        for part in ("th", "td"):
            if part in attrs and "class" in attrs[part]:
                classes = [c for c in attrs[part]["class"].split() if c not in RESPONSIVE_HIDING]
                attrs[part] = {**attrs[part], "class": " ".join(classes)}
        column.attrs = attrs
