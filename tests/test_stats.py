"""The figures (stats): roll-up equals direct counts, data scope, click-through to lists with
the same counts, freshness, the yearly xlsx, the ECharts install, population input."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import re
import tarfile
from html import unescape

import pytest
from django.utils import timezone

from tests import cases_helpers, liaison_helpers
from tests.policy_helpers import make_benefit, make_fund, make_talent
from wutong.core.models import Region
from wutong.stats import assets, services
from wutong.stats.models import FigureRefresh, FigureSnapshot, RegionPopulation
from wutong.talents.models import Talent

TODAY = timezone.localdate()
YEAR = TODAY.year


def _born(age: int) -> dt.date:
    """A birth date making someone ``age`` years old today (mid-band, far from birthdays)."""
    return (TODAY - dt.timedelta(days=int((age + 0.5) * 365.25)))


def _pay(talent, benefit, fund, *, period: str, fen: int, status: str):
    from wutong.policies.redemption_models import Application, Payment

    app = Application.objects.create(talent=talent, benefit=benefit, region=talent.region,
                                     source="talent", status="paid", amount_fen=fen)
    return Payment.objects.create(application=app, talent=talent, benefit=benefit, fund=fund,
                                  region=talent.region, period=period, seq=1, due_on=TODAY,
                                  amount_fen=fen, status=status)


@pytest.fixture
def small(world):
    """A small world: talents in two 大庆 districts, the city itself and 辽阳, cases, a fund
    with payments, leaders, populations."""
    w = cases_helpers.build(world)   # 张明华, 李四, 王五 in 萨尔图; 赵六 in 辽阳 白塔区
    lw = liaison_helpers.build(world)  # six more in 萨尔图 (categories A–C, E), four leaders
    w.update(lw)
    month = dt.date(YEAR, 1, 15)
    w["people"] = [
        make_talent("230602", category="A", education="11", industry="25",
                    birth_date=_born(30), introduced_on=month),
        make_talent("230602", category="B", education="14", industry="251",
                    birth_date=_born(40), introduced_on=month),
        make_talent("230603", category="B", education="21", industry="C",
                    birth_date=_born(50), introduced_on=dt.date(YEAR, 3, 2)),
        make_talent("230603", category="", education="21", industry="",
                    birth_date=_born(60), introduced_on=dt.date(YEAR - 1, 3, 2)),
        make_talent("230600", category="C", education="31", birth_date=_born(35),
                    introduced_on=dt.date(YEAR, 3, 30)),
        make_talent("211002", category="A", education="11", birth_date=_born(36)),
    ]
    gone = make_talent("230602", category="A", education="11", birth_date=_born(30),
                       introduced_on=month)
    gone.is_active = False
    gone.save()
    w["gone"] = gone
    # Cases: two in 萨尔图 (one closed and rated 4), one in 辽阳.
    c1 = cases_helpers.raise_case(w)
    c2 = cases_helpers.raise_case(w, title="配偶就业")
    from wutong.cases.models import Case, CaseStatus

    Case.objects.filter(pk=c1.pk).update(status=CaseStatus.CLOSED, satisfaction=4,
                                         closed_at=timezone.now(), unit=world["daqing_kjj"])
    Case.objects.filter(pk=c2.pk).update(due_on=TODAY - dt.timedelta(days=3))
    cases_helpers.raise_case(w, user=world["other_city"], talent=w["far"],
                             case_type=w["liaoyang_type"])
    # Money: a city fund with paid, scheduled and held instalments; a 辽阳 fund.
    fund = make_fund("230600", year=YEAR, budget_fen=10_000_000)
    benefit = make_benefit("230600", fund=fund)
    _pay(w["people"][0], benefit, fund, period="once", fen=300_000, status="paid")
    _pay(w["people"][1], benefit, fund, period="once", fen=200_000, status="scheduled")
    _pay(w["people"][2], benefit, fund, period="once", fen=100_000, status="held")
    far_fund = make_fund("211000", year=YEAR, budget_fen=5_000_000, name="辽阳专项")
    far_benefit = make_benefit("211000", fund=far_fund)
    _pay(w["people"][5], far_benefit, far_fund, period="once", fen=50_000, status="paid")
    w["fund"] = fund
    for code, people, target in (("230600", 2_780_000, 10), ("230602", 510_000, 4),
                                 ("211000", 1_600_000, 5)):
        RegionPopulation.objects.create(region=Region.objects.get(code=code), year=YEAR,
                                        population=people, intake_target=target)
    return w


def _data(code: str) -> dict:
    return FigureSnapshot.objects.get(region__code=code).data


def _in(code: str):
    return Talent.objects.filter(region__path__startswith=Region.objects.get(code=code).path)


def test_roll_up_equals_direct_counts(small):
    services.snapshots_refresh()
    city = _data("230600")
    active = _in("230600").filter(is_active=True)
    assert city["talents"]["total"] == active.count() > 0
    by_cat = {r["code"]: r["n"] for r in city["talents"]["by_category"]}
    for code in ("A", "B", "C", "E"):
        assert by_cat[code] == active.filter(category=code).count()
    assert by_cat[""] == active.filter(category="").count()
    by_edu = {r["code"]: r["n"] for r in city["talents"]["by_education"]}
    assert by_edu["11"] == active.filter(education="11").count()
    by_ind = {r["code"]: r["n"] for r in city["talents"]["by_industry"]}
    assert by_ind["25"] == active.filter(industry__startswith="25").count() == 2
    ages = {r["code"]: r["n"] for r in city["talents"]["by_age"]}
    assert ages["le35"] == 2 and ages["36_45"] == 1 and ages["46_55"] == 1 and ages["ge56"] == 1
    districts = {r["code"]: r["n"] for r in city["talents"]["by_region"] if not r.get("own")}
    assert districts["230602"] == _in("230602").filter(is_active=True).count()
    assert districts["230603"] == 2
    own = [r for r in city["talents"]["by_region"] if r.get("own")]
    assert own and own[0]["n"] == 1  # the one filed at city level
    assert sum(r["n"] for r in city["talents"]["by_region"]) == city["talents"]["total"]
    # intake: this year's files by month, inactive ones included
    months = city["intake"]["months"]
    assert months[0] == _in("230600").filter(introduced_on__year=YEAR,
                                             introduced_on__month=1).count() == 3
    assert months[2] == 2 and city["intake"]["total"] == 5 and city["intake"]["target"] == 10
    assert city["population"]["population"] == 2_780_000
    assert city["population"]["share"] == round(city["talents"]["total"] * 100 / 2_780_000, 2)
    # cases: as the case app's own summary counts them
    from wutong.cases.selectors import summary

    s = summary(user=small["city"])
    c = city["cases"]
    assert (c["total"], c["open"], c["closed"], c["overdue"]) == (
        s["total"], s["open"], s["closed"], s["overdue"]) == (2, 1, 1, 1)
    assert c["satisfaction"] == s["rating"] == 4
    # money: as the fund ledger computes it (committed includes held instalments)
    from wutong.policies.redemption_selectors import fund_ledger

    row = next(r for r in fund_ledger(user=small["city"]) if r.fund.pk == small["fund"].pk)
    [f] = city["funds"]["rows"]
    assert f["paid"] == row.paid == 300_000
    assert f["committed"] == row.committed + row.held == 300_000
    assert f["remaining"] == row.remaining == 9_400_000
    # liaison: the leaders' coverage as the liaison app counts it
    from wutong.liaison.selectors import coverage

    cov = coverage(user=small["city"], year=YEAR)
    assert city["liaison"]["leaders"] == len(cov) == 4
    assert city["liaison"]["meeting"] == sum(1 for x in cov if not x.falls_short) == 1
    assert city["liaison"]["problems"] == 1
    # another city's figures stay its own
    liaoyang = _data("211000")
    assert liaoyang["talents"]["total"] == 2 and liaoyang["cases"]["total"] == 1
    assert [f["name"] for f in liaoyang["funds"]["rows"]] == ["辽阳专项"]


def test_subtree_refresh_matches_full_refresh(small):
    services.snapshots_refresh()
    full = _data("230602")
    services.snapshots_refresh(root=Region.objects.get(code="230602"), trigger="inline")
    part = _data("230602")
    for key in ("talents", "intake", "cases", "funds", "population"):
        assert part[key] == full[key]


def test_unit_scores_come_from_the_registered_provider(small, monkeypatch):
    from wutong.core import figures

    city = Region.objects.get(code="230600")
    district = Region.objects.get(code="230602")
    rows = [{"region_id": city.pk, "system_id": 7, "system__year": YEAR, "system__title": "考核",
             "unit__name": "市科技局", "total": 88.5, "rank": 1},
            {"region_id": district.pk, "system_id": 8, "system__year": YEAR,
             "system__title": "区考核", "unit__name": "区科技局", "total": 70, "rank": 1},
            {"region_id": district.pk, "system_id": 6, "system__year": YEAR - 1,
             "system__title": "去年", "unit__name": "旧", "total": 99, "rank": 1}]
    monkeypatch.setitem(figures._PROVIDERS, "unit_scores",
                        lambda *, year, region_path: [r for r in rows if Region.objects.get(
                            pk=r["region_id"]).path.startswith(region_path)])
    services.snapshots_refresh()
    assert [s["unit"] for s in _data("230600")["unit_scores"]] == ["市科技局", "区科技局"]
    assert [s["unit"] for s in _data("230602")["unit_scores"]] == ["区科技局"]

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setitem(figures._PROVIDERS, "unit_scores", broken)
    services.snapshots_refresh()  # a failing provider leaves its figures out, nothing else
    assert _data("230600")["unit_scores"] == [] and _data("230600")["talents"]["total"]


# --- scope -----------------------------------------------------------------------------------
def test_district_city_and_other_city_scope(small, login):
    services.snapshots_refresh()
    district = login(small["district"])
    page = district.get("/stats/")
    assert page.status_code == 200
    assert page.context["region"].code == "230602"
    assert page.context["total"] == _in("230602").filter(is_active=True).count()
    assert district.get("/stats/?region=230600").status_code == 404
    assert district.get("/stats/?region=230603").status_code == 404
    assert district.get("/stats/dashboard/?region=230600").status_code == 404

    city = login(small["city"])
    page = city.get("/stats/")
    assert [r["name"] for r in page.context["by_region"]][:2] == ["萨尔图区", "龙凤区"]
    drilled = city.get("/stats/?region=230602")
    assert drilled.status_code == 200
    assert drilled.context["total"] == page.context["by_region"][0]["n"]
    assert city.get("/stats/?region=211000").status_code == 404

    other = login(small["other_city"])
    assert other.get("/stats/?region=230600").status_code == 404
    assert other.get("/stats/").context["total"] == 2
    for who in ("member", "talent", "employer"):
        assert login(small[who]).get("/stats/").status_code == 403
    assert login(small["leader"]).get("/stats/dashboard/").status_code == 200


def test_figures_api_gives_the_page_figures_in_the_callers_scope(small, login):
    services.snapshots_refresh()
    city = login(small["city"])
    body = city.get("/api/stats/figures/").json()
    assert body["region"] == {"code": "230600", "name": "大庆市"}
    assert body["figures"]["talents"]["total"] == city.get("/stats/").context["total"]
    assert body["recomputed"] is False and body["computed_at"]
    drilled = city.get("/api/stats/figures/", {"region": "230602"}).json()
    assert drilled["figures"]["talents"]["total"] == _in("230602").filter(
        is_active=True).count()
    district = login(small["district"])
    refused = district.get("/api/stats/figures/", {"region": "230600"})
    assert refused.status_code == 404
    assert refused.json()["error"]["message"] == "记录不存在，或不在您的数据范围内。"
    assert district.get("/api/stats/figures/").json()["region"]["code"] == "230602"
    assert login(small["other_city"]).get(
        "/api/stats/figures/", {"region": "230600"}).status_code == 404
    for who in ("member", "talent", "employer"):
        assert login(small[who]).get("/api/stats/figures/").status_code == 403
    from django.test import Client

    assert Client().get("/api/stats/figures/").status_code == 401


# --- click-through ---------------------------------------------------------------------------
def _links(html: str) -> list[tuple[str, str]]:
    """(href, number) of every linked number on a page."""
    return [(unescape(href), text.replace(",", "")) for href, text in re.findall(
        r'<a class="wt-stat-link" href="([^"]+)"[^>]*>([\d,]+)</a>', html)]


def test_every_talent_and_case_number_leads_to_a_list_of_that_many(small, login):
    services.snapshots_refresh()
    city = login(small["city"])
    html = city.get("/stats/").content.decode()
    links = _links(html)
    talent_links = [(u, n) for u, n in links if u.startswith("/talents/")]
    assert len(talent_links) >= 20  # totals, categories, educations, ages, districts, months
    for url, number in talent_links:
        listed = city.get(url)
        assert listed.status_code == 200, url
        assert listed.context["count"] == int(number), url
    case_links = [(u, n) for u, n in links if u.startswith("/cases/")]
    assert {u for u, _n in case_links} >= {"/cases/?status=open", "/cases/?status=closed",
                                           "/cases/?overdue=1", "/cases/"}
    for url, number in case_links:
        assert city.get(url).context["page"].paginator.count == int(number), url
    leader_links = [(u, n) for u, n in links if u.startswith("/liaison/?")]
    assert leader_links
    for url, number in leader_links:
        assert city.get(url).context["count"] == int(number), url
    item_links = [(u, n) for u, n in links if u.startswith("/liaison/items/")]
    for url, number in item_links:
        assert city.get(url).context["count"] == int(number), url
    # a district of the city: talents narrowed to the district, no case link (the case list
    # cannot narrow to it, so the count would not be the figure's)
    drilled = city.get("/stats/?region=230602").content.decode()
    for url, number in _links(drilled):
        assert not url.startswith("/cases/")
        if url.startswith("/talents/"):
            assert "region=230602" in url
            assert city.get(url).context["count"] == int(number)


def test_talent_list_filters_for_active_files_and_month(small, login):
    city = login(small["city"])
    everyone = city.get("/talents/").context["count"]
    active = city.get("/talents/?active=1").context["count"]
    assert active == everyone - 1
    assert city.get(f"/talents/?introduced_month={YEAR}-01").context["count"] == 3
    assert city.get(f"/talents/?introduced_month={YEAR}-03").context["count"] == 2
    assert city.get(f"/talents/?introduced_month={YEAR}-13").context["count"] == everyone
    assert city.get("/talents/?introduced_month=bad").context["count"] == everyone


# --- freshness -------------------------------------------------------------------------------
def test_fresh_snapshot_is_shown_with_its_time(small, login):
    services.snapshots_refresh()
    at = timezone.now() - dt.timedelta(minutes=3)
    FigureSnapshot.objects.update(computed_at=at)
    make_talent("230602", category="A")  # after the snapshot
    page = login(small["district"]).get("/stats/")
    html = page.content.decode()
    assert page.context["recomputed"] is False
    assert page.context["total"] == _in("230602").filter(is_active=True).count() - 1
    hm = timezone.localtime(at).strftime("%H:%M")
    assert html.count(f"数据时间 {hm}") >= 8  # on the page and on every figure's card
    assert 'data-testid="stats-recomputed"' not in html


def test_snapshot_older_than_ten_minutes_is_recomputed_before_it_is_shown(small, login):
    services.snapshots_refresh()
    FigureSnapshot.objects.update(computed_at=timezone.now() - dt.timedelta(minutes=11))
    make_talent("230602", category="A")
    page = login(small["district"]).get("/stats/dashboard/")
    assert page.context["recomputed"] is True
    assert page.context["total"] == _in("230602").filter(is_active=True).count()
    snap = FigureSnapshot.objects.get(region__code="230602")
    assert timezone.now() - snap.computed_at < dt.timedelta(minutes=1)
    assert "刚刚更新" in page.content.decode()
    # only the region's subtree was recomputed; the city waits for its own reader
    assert timezone.now() - FigureSnapshot.objects.get(
        region__code="230600").computed_at > dt.timedelta(minutes=10)


def test_a_region_without_a_snapshot_is_computed_on_first_view(small, login):
    page = login(small["district"]).get("/stats/")
    assert page.status_code == 200 and page.context["recomputed"] is True
    assert FigureSnapshot.objects.filter(region__code="230602").exists()


def test_periodic_refresh_runs_once_per_slot(small):
    first = services.periodic_refresh()
    second = services.periodic_refresh()
    assert first["snapshots"] >= 3 and second == {"skipped": True, "slot": first["slot"]}
    assert FigureRefresh.objects.filter(trigger="periodic").count() == 1
    # every reader's scope root has a snapshot, even an empty one
    assert FigureSnapshot.objects.filter(region__code="230603").exists()


def test_the_in_process_backend_never_runs_the_refresh_inside_a_page(small):
    assert services.enqueue_refresh() is False  # tests run tasks in-process


def test_refresh_command(small):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("stats_refresh", stdout=out)
    assert "snapshots" in out.getvalue()
    assert FigureSnapshot.objects.filter(region__code="230600").exists()


# --- ECharts ---------------------------------------------------------------------------------
def _tarball(js: bytes = b"/* echarts */") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, body in (("package/dist/echarts.min.js", js), ("package/LICENSE", b"Apache"),
                           ("package/dist/echarts.js", b"big")):
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return buf.getvalue()


def _sri(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def test_install_assets_refuses_a_file_whose_hash_is_not_the_pinned_one(tmp_path):
    tgz = tmp_path / "echarts-6.1.0.tgz"
    tgz.write_bytes(_tarball())
    dest = tmp_path / "assets" / "echarts"
    with pytest.raises(assets.AssetError, match="校验失败"):
        assets.install(url=tgz.as_uri(), dest=dest)  # the pinned official hash
    assert not dest.exists()
    with pytest.raises(assets.AssetError):
        assets.install(url="http://registry.npmjs.org/echarts.tgz", dest=dest)  # not https


def test_install_assets_extracts_only_the_two_files_and_is_idempotent(tmp_path):
    data = _tarball()
    tgz = tmp_path / "echarts.tgz"
    tgz.write_bytes(data)
    dest = tmp_path / "assets" / "echarts"
    assert assets.install(url=tgz.as_uri(), integrity=_sri(data), dest=dest) == "installed"
    assert sorted(p.name for p in dest.iterdir()) == [".installed.json", "LICENSE",
                                                      "echarts.min.js"]
    tgz.unlink()  # the second run needs no download at all
    assert assets.install(url=tgz.as_uri(), integrity=_sri(data), dest=dest) == "present"
    (dest / "echarts.min.js").write_bytes(b"tampered")
    assert not assets.installed(dest, _sri(data))


def test_install_assets_command_reports_a_bad_hash_in_chinese(tmp_path, settings):
    from django.core.management import CommandError, call_command

    settings.WUTONG_ASSET_DIR = tmp_path / "assets"
    tgz = tmp_path / "echarts.tgz"
    tgz.write_bytes(_tarball())
    with pytest.raises(CommandError, match="integrity"):
        call_command("install_assets", url=tgz.as_uri(), integrity=_sri(b"other"))


def test_without_echarts_the_pages_show_every_number_as_tables(small, login, monkeypatch):
    services.snapshots_refresh()
    monkeypatch.setattr(assets, "echarts_url", lambda: None)
    city = login(small["city"])
    for url in ("/stats/", "/stats/dashboard/"):
        html = city.get(url).content.decode()
        assert 'data-testid="no-charts"' in html and "wutong install_assets" in html
        assert "<script src" not in html.split("wt-stats-charts")[-1]
        assert 'class="wt-chart"' not in html
        assert str(_in("230600").filter(is_active=True).count()) in html


def test_with_echarts_the_charts_get_their_data_from_a_json_script(small, login, monkeypatch):
    services.snapshots_refresh()
    monkeypatch.setattr(assets, "echarts_url", lambda: "/static/echarts/echarts.min.js")
    html = login(small["city"]).get("/stats/dashboard/").content.decode()
    assert '<script id="wt-stats-charts" type="application/json">' in html
    assert '<script src="/static/echarts/echarts.min.js" defer></script>' in html
    assert "stats/charts" in html and "<script>" not in html  # nothing inline (CSP)


# --- the yearly report -----------------------------------------------------------------------
def test_yearly_report_xlsx_in_the_callers_scope(small, login, django_capture_on_commit_callbacks):
    import openpyxl

    from wutong.core.models import AuditRecord, Job

    small["fund"].name = "=HYPERLINK(\"http://x\")"
    small["fund"].save()
    city = login(small["city"])
    with django_capture_on_commit_callbacks(execute=True):
        response = city.post("/stats/report/?region=230600", {"region": "230600", "year": YEAR})
    assert response.status_code == 302
    job = Job.objects.get(kind="stats_report")
    assert job.status == "succeeded", job.message
    wb = openpyxl.load_workbook(job.result_file)
    assert wb.sheetnames == ["人才总量及结构统计表", "引进人才月度统计表", "政策兑现资金统计表",
                             "人才服务诉求统计表"]
    rows = list(wb["人才总量及结构统计表"].iter_rows(values_only=True))
    assert rows[0][0] == f"大庆市{YEAR}年人才总量及结构统计表"
    header = rows[2]
    body = {r[0]: dict(zip(header, r, strict=False)) for r in rows[3:]}
    total = _in("230600").filter(is_active=True).count()
    assert body["大庆市（合计）"]["人才总量"] == total
    assert body["萨尔图区"]["人才总量"] == _in("230602").filter(is_active=True).count()
    assert body["大庆市（合计）"]["A类"] == _in("230600").filter(is_active=True,
                                                                  category="A").count()
    assert "辽阳市（合计）" not in body and "白塔区" not in body
    months = list(wb["引进人才月度统计表"].iter_rows(values_only=True))
    assert months[3][1] == 3 and months[3][13] == 5 and months[3][14] == 10
    funds = list(wb["政策兑现资金统计表"].iter_rows(values_only=True))
    assert funds[3][0] == "=HYPERLINK(\"http://x\")"  # text, not a formula
    assert wb["政策兑现资金统计表"].cell(4, 1).data_type == "s"
    assert funds[3][4] == 0.3  # 300,000 fen paid = 3,000 元 = 0.3 万元
    cases = list(wb["人才服务诉求统计表"].iter_rows(values_only=True))
    assert cases[3][1:5] == (2, 1, 1, 1)
    assert AuditRecord.objects.filter(action="export", object_id=str(job.pk)).exists()
    # another city's office cannot ask for this region's report
    other = login(small["other_city"])
    assert other.post("/stats/report/?region=230600",
                      {"region": "230600", "year": YEAR}).status_code == 404
    assert login(small["member"]).get("/stats/report/").status_code == 403


# --- population and targets ------------------------------------------------------------------
@pytest.mark.parametrize(("population", "target", "message"), [
    ("abc", "", "请填写人数"),
    ("", "", "请填写常住人口"),
    ("0", "", "常住人口应为大于 0 的整数"),
    ("-5", "", "请填写人数"),
    ("1.5", "", "请填写人数"),
    ("300000000", "", "超过 2 亿"),
    ("500000", "600000", "引进目标不能超过常住人口"),
])
def test_bad_population_input_gets_a_chinese_message(world, login, population, target, message):
    page = login(world["district"]).post("/stats/population/", {
        "region": "230602", "year": YEAR, "population": population, "intake_target": target})
    assert page.status_code == 422
    assert message in page.content.decode()
    assert not RegionPopulation.objects.exists()


def test_population_is_saved_as_offices_type_it_and_audited(world, login):
    from wutong.core.models import AuditRecord

    office = login(world["district"])
    assert office.post("/stats/population/", {"region": "230602", "year": YEAR,
                                              "population": "51万", "intake_target": "１２０",
                                              "note": "统计公报"}).status_code == 302
    row = RegionPopulation.objects.get(region__code="230602", year=YEAR)
    assert (row.population, row.intake_target) == (510_000, 120)
    assert office.post("/stats/population/", {"region": "230602", "year": YEAR,
                                              "population": "512,000"}).status_code == 302
    assert RegionPopulation.objects.get(pk=row.pk).population == 512_000
    assert AuditRecord.objects.filter(object_type__icontains="regionpopulation").count() == 2
    # another district and the city above are not the district office's to edit
    page = office.post("/stats/population/", {"region": "230600", "year": YEAR,
                                              "population": "100"})
    assert page.status_code == 422 and "数据范围" in page.content.decode()
    assert login(world["leader"]).post("/stats/population/", {
        "region": "230600", "year": YEAR, "population": "100"}).status_code == 403
    assert login(world["leader"]).get("/stats/population/").status_code == 200


def test_query_count_of_the_page_is_small(small, login, django_assert_max_num_queries):
    services.snapshots_refresh()
    city = login(small["city"])
    city.get("/stats/")
    with django_assert_max_num_queries(12):
        city.get("/stats/dashboard/")


def test_pages_in_english(small, login):
    services.snapshots_refresh()
    city = login(small["city"])
    html = city.get("/stats/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Talents by region" in html and "Data as of" in html
    html = city.get("/stats/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Key figures" in html


@pytest.mark.django_db(transaction=True)
def test_periodic_refresh_queues_its_successor_for_the_next_slot(world, settings, login):
    from django.core.cache import cache
    from django_tasks_db.models import DBTaskResult

    cache.clear()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default"], "ENQUEUE_ON_COMMIT": False}}
    result = services.periodic_refresh()
    task = DBTaskResult.objects.get()
    assert task.task_path.endswith("stats_refresh_periodic")
    assert int(task.run_after.timestamp()) == (result["slot"] + 1) * services.PERIOD_SECONDS
    # a page finding figures between five and ten minutes old kicks the chain once, and shows
    # them (they are still fresh enough)
    FigureSnapshot.objects.update(computed_at=timezone.now() - dt.timedelta(minutes=6))
    client = login(world["district"])
    assert client.get("/stats/").context["recomputed"] is False
    client.get("/stats/")
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_readers_recomputing_the_same_region_at_once_both_get_figures(world):
    from tests.test_races import run_threads

    make_talent("230602", name="并发")
    city = Region.objects.get(code="230600")
    errors = run_threads(2, lambda i: services.snapshots_refresh(root=city, trigger="inline"))
    assert errors == []
    assert FigureSnapshot.objects.filter(region=city).count() == 1
    assert FigureSnapshot.objects.get(region=city).data["talents"]["total"] == 1
