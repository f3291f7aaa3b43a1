"""Benchmarks of the foundation: scoped lists, personal-data crypto, the audit chain, exports."""

from __future__ import annotations

import random
import time

from benches.registry import bench


def _people(size: int, viewer_role: str = "office"):
    """``size`` accounts spread over the counties of two cities, phones encrypted."""
    from django.contrib.auth.hashers import make_password

    from wutong.accounts.models import Unit, UnitKind, User
    from wutong.core.demo.generators import mobile
    from wutong.core.models import Region

    rng = random.Random(1)
    counties = list(Region.objects.filter(parent__code__in=["230600", "211000"]))
    password = make_password("Bench-pass-2026")  # one hash shared: setup speed, not realism
    batch = []
    for i in range(size):
        region = counties[i % len(counties)]
        user = User(username=f"u{i}", full_name=f"用户{i}", role="talent", region=region,
                    password=password)
        user.phone = mobile(rng)
        batch.append(user)
        if len(batch) == 5000:
            User.objects.bulk_create(batch)
            batch = []
    User.objects.bulk_create(batch)
    office = Unit.objects.create(name="萨尔图区人才办", kind=UnitKind.TALENT_OFFICE,
                                 region=Region.objects.get(code="230602"))
    if viewer_role == "sysadmin":
        return User.objects.create(username="bench-admin", full_name="管", role="sysadmin",
                                   password=password)
    return User.objects.create(username="bench-office", full_name="办", role="office",
                               region=office.region, unit=office, password=password)


@bench("scope_list", "a district office's scoped account list: count and first page", 100_000)
def scope_list(size: int, emit) -> None:
    from wutong.accounts.selectors import user_list

    viewer = _people(size)
    runs = []
    for _ in range(5):
        viewer = type(viewer).objects.get(pk=viewer.pk)
        start = time.perf_counter()
        qs = user_list(user=viewer)
        count = qs.count()
        page = list(qs.order_by("username")[:25])
        runs.append(time.perf_counter() - start)
    emit("rows_in_table", size, "rows")
    emit("rows_in_scope", count, "rows")
    emit("count_and_page_median", sorted(runs)[2], "s", 0.2)
    assert len(page) == 25


@bench("pii", "encrypt / decrypt / blind-index throughput for personal data", 50_000)
def pii(size: int, emit) -> None:
    from django.conf import settings

    from wutong.core.security import crypto

    values = [f"139{i:08d}" for i in range(size)]
    for cipher in ("aes-256-gcm", "sm4-gcm"):
        settings.WUTONG_CIPHER = cipher
        start = time.perf_counter()
        tokens = [crypto.encrypt(v, kind="phone") for v in values]
        enc = time.perf_counter() - start
        start = time.perf_counter()
        for t in tokens:
            crypto.decrypt(t, kind="phone")
        dec = time.perf_counter() - start
        emit(f"{cipher}_encrypt_per_s", size / enc, "ops/s", 20_000)
        emit(f"{cipher}_decrypt_per_s", size / dec, "ops/s", 20_000)
    start = time.perf_counter()
    for v in values:
        crypto.blind_index("phone", v)
    emit("blind_index_per_s", size / (time.perf_counter() - start), "ops/s", 100_000)


@bench("audit", "append to the hash-chained audit log, then verify the chain", 20_000)
def audit(size: int, emit) -> None:
    from django.db import transaction

    from wutong.core.audit import audit_log, audit_verify

    start = time.perf_counter()
    for i in range(size):
        with transaction.atomic():
            audit_log(actor=None, action="other", object_type="bench", object_id=str(i),
                      after={"i": i, "name": "测试"})
    write = time.perf_counter() - start
    emit("append_per_s", size / write, "records/s", 200)
    start = time.perf_counter()
    checked, broken, _ = audit_verify()
    verify = time.perf_counter() - start
    assert broken is None and checked == size
    emit("verify_per_s", size / verify, "records/s", 10_000)
    emit("verify_s", verify, "s")


@bench("export", "export an account list of --size rows to xlsx through the export job",
       50_000)
def export(size: int, emit) -> None:
    from wutong.core import services
    from wutong.core.models import Job

    viewer = _people(size, viewer_role="sysadmin")
    start = time.perf_counter()
    job = services.export_start(user=viewer, exporter_key="users", fmt="xlsx")
    services.export_execute(job_id=str(job.pk))
    elapsed = time.perf_counter() - start
    job = Job.objects.get(pk=job.pk)
    assert job.status == "succeeded", job.message
    emit("rows", job.done, "rows")
    emit("export_s", elapsed, "s")
    emit("rows_per_s", job.done / elapsed, "rows/s", 5_000)
