"""Benchmarks of the registry: import, list, search and the person page at scale."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
import resource
import tempfile
import time
from pathlib import Path

from benches.registry import bench

EDUCATIONS = ("博士研究生", "硕士", "大学本科", "大专", "中专")
MODES = ("刚性引进", "柔性引进", "本地培养")


def _write_sheet(path: str, size: int) -> None:
    """A 100,000-row roster as offices write it (run in a child process)."""
    import xlsxwriter
    from faker import Faker

    from wutong.core.demo.generators import id_number, mobile

    rng = random.Random(5)
    faker = Faker("zh_CN")
    faker.seed_instance(5)
    names = [faker.name() for _ in range(5000)]
    counties = ("230602", "230603", "230604", "230605", "230606", "230621", "230622")
    wb = xlsxwriter.Workbook(path, {"constant_memory": True})
    ws = wb.add_worksheet("花名册")
    headers = ["姓名", "身份证号码", "性别", "手机号码", "最高学历", "所学专业", "毕业院校",
               "职称", "引进时间", "引进方式", "所属地区"]
    for col, header in enumerate(headers):
        ws.write_string(0, col, header)
    used: set[str] = set()
    for row in range(1, size + 1):
        born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(14000))
        number = id_number(rng, rng.choice(counties), born=born)
        while number in used:
            number = id_number(rng, rng.choice(counties), born=born)
        used.add(number)
        values = [rng.choice(names), number,
                  rng.choice("男女"), mobile(rng), rng.choice(EDUCATIONS), "化学工程",
                  "东北石油大学", rng.choice(("正高级", "副高级", "中级", "")),
                  f"{rng.randint(2010, 2025)}.{rng.randint(1, 12)}", rng.choice(MODES), ""]
        for col, value in enumerate(values):
            ws.write_string(row, col, value)
    wb.close()


@bench("import", "import a --size row xlsx roster: validate, encrypt, commit", 100_000)
def import_(size: int, emit) -> None:
    from wutong.accounts.models import Unit, UnitKind, User
    from wutong.core.models import Region
    from wutong.talents.imports import talent_import
    from wutong.talents.models import Talent

    path = Path(tempfile.mkdtemp()) / "roster.xlsx"
    child = multiprocessing.get_context("fork").Process(target=_write_sheet,
                                                        args=(str(path), size))
    child.start()
    child.join()
    city = Region.objects.get(code="230600")
    office = Unit.objects.create(name="大庆市人才办", kind=UnitKind.TALENT_OFFICE, region=city)
    user = User.objects.create(username="bench", full_name="办", role="office", region=city,
                               unit=office)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    result = talent_import(user=user, path=path, filename="roster.xlsx", default_region=city)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert result.ok, result.problems[:5]
    assert Talent.objects.count() == size
    emit("rows", size, "rows")
    emit("import_s", elapsed, "s", 8.0)
    emit("rows_per_s", size / elapsed, "rows/s")
    emit("peak_rss_mb", peak, "MB", 400)
    emit("rss_before_mb", rss_before, "MB")
    start = time.perf_counter()
    again = talent_import(user=user, path=path, filename="roster.xlsx", default_region=city)
    emit("reimport_unchanged_s", time.perf_counter() - start, "s")
    assert again.created == 0


_BUILT: dict[int, tuple] = {}


def _registry(size: int):
    """``size`` talents across the counties of 大庆 (one employer per 50 people), built once
    per run and shared by the benches named together."""
    if size not in _BUILT:
        _BUILT[size] = _build_registry(size)
    viewer, generated = _BUILT[size]
    return type(viewer).objects.get(pk=viewer.pk), generated


def _build_registry(size: int):
    from wutong.accounts.models import Unit, UnitKind, User
    from wutong.core.demo import DemoContext
    from wutong.core.demo.generators import uscc
    from wutong.core.models import Region
    from wutong.orgs.models import Employer
    from wutong.talents.demo import generate_talents

    ctx = DemoContext(seed=9)
    city = Region.objects.get(code="230600")
    counties = list(Region.objects.filter(parent=city))
    Employer.objects.bulk_create([
        Employer(uscc=uscc(ctx.rng, "230600"), name=f"大庆测试企业{i}有限公司", type="enterprise",
                 region=counties[i % len(counties)], industry="25")
        for i in range(max(size // 50, 1))])
    employers = list(Employer.objects.all())
    start = time.perf_counter()
    generate_talents(ctx, city, size, employers)
    generated = time.perf_counter() - start
    district = Region.objects.get(code="230602")
    office = Unit.objects.create(name="萨尔图区人才办", kind=UnitKind.TALENT_OFFICE,
                                 region=district)
    viewer = User.objects.create(username="bench", full_name="办", role="office",
                                 region=district, unit=office)
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum does soon after a load this size (inserts trigger it since PG 13):
        # statistics, and the visibility map that lets counts read the index alone.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return viewer, generated


def _median_ms(func, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return sorted(times)[runs // 2] * 1000


@bench("demo", "generate --size talents with employers and histories", 1_000_000)
def demo(size: int, emit) -> None:
    from wutong.talents.models import Talent

    _viewer, generated = _registry(size)
    emit("talents", Talent.objects.count(), "rows")
    emit("generate_s", generated, "s", 300)


@bench("list", "registry list for a district office: filtered first page with its count",
       1_000_000)
def list_(size: int, emit) -> None:
    from django.test import Client

    viewer, _ = _registry(size)
    client = Client()
    client.force_login(viewer)
    from wutong.talents.selectors import talent_list

    def first_page():
        qs = talent_list(user=type(viewer).objects.get(pk=viewer.pk),
                         filters={"education": "14"})
        qs.count()
        list(qs.order_by("name_sort", "id")[:25])

    emit("talents", size, "rows")
    emit("filtered_page_ms", _median_ms(first_page), "ms", 100)
    emit("http_page_ms", _median_ms(lambda: client.get("/talents/?education=14")), "ms")


@bench("search", "name / pinyin / initials search in the registry", 1_000_000)
def search(size: int, emit) -> None:
    from wutong.talents.models import Talent
    from wutong.talents.selectors import talent_list

    viewer, _ = _registry(size)
    viewer = type(viewer).objects.get(pk=viewer.pk)
    sample = Talent.objects.filter(region__code="230602").first()
    from wutong.talents.names import name_keys

    keys = sorted(name_keys(sample.name), key=len)
    for label, query in (("characters", sample.name), ("pinyin", max(keys, key=len)),
                         ("initials", min((k for k in keys if k.isascii()), key=len))):
        def run(q=query):
            qs = talent_list(user=viewer, filters={"q": q})
            qs.count()
            list(qs.order_by("name_sort", "id")[:25])

        emit(f"{label}_ms", _median_ms(run), "ms", 100)


@bench("person", "the person page of one talent (server time)", 1_000_000)
def person(size: int, emit) -> None:
    from django.test import Client

    from wutong.talents.models import Talent

    viewer, _ = _registry(size)
    client = Client()
    client.force_login(viewer)
    pk = Talent.objects.filter(region__code="230602").values_list("pk", flat=True).first()
    assert client.get(f"/talents/{pk}/").status_code == 200
    emit("person_page_ms", _median_ms(lambda: client.get(f"/talents/{pk}/")), "ms", 50)
