"""Run benchmarks in a scratch database: python -m benches NAME [NAME …] [--size N] [--db ...].

Several names run one after the other in the same database, so the registry benches
(``list search person``) generate their million talents once. ``WUTONG_BENCH_KEEP=1`` keeps
the scratch database afterwards (its name or path is printed) to study plans; otherwise it
is removed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benches")
    parser.add_argument("names", nargs="*", metavar="name")
    parser.add_argument("--size", type=int)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from benches.registry import BENCHES, load_all

    load_all()
    if args.list or not args.names:
        for bench in BENCHES.values():
            print(f"{bench.name:<16} {bench.help} (default --size {bench.default_size})")
        return 0
    unknown = [n for n in args.names if n not in BENCHES]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; see --list")

    scratch = Path(tempfile.mkdtemp(prefix="wutong-bench-"))
    os.environ["WUTONG_HOME"] = str(scratch)
    os.environ["WUTONG_ENV"] = "test"
    os.environ["WUTONG_TASK_BACKEND"] = "immediate"
    os.environ["WUTONG_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ.pop("REDIS_URL", None)
    pg_name = None
    if args.db == "postgres":
        base = os.environ.get("WUTONG_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
        pg_name = f"wutong_bench_{uuid.uuid4().hex[:8]}"
        _pg_admin(base, f'CREATE DATABASE "{pg_name}"')
        os.environ["DATABASE_URL"] = f"{base}/{pg_name}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "wutong.settings"
    try:
        import django
        from django.core.management import call_command

        django.setup()
        from django.conf import settings

        # Pages rendered by benchmarks read static files from the apps (no collectstatic).
        settings.STORAGES = {**settings.STORAGES, "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
        call_command("migrate", verbosity=0)

        for name in args.names:
            bench = BENCHES[name]

            def emit(metric: str, value: float, unit: str, target: float | None = None,
                     bench=bench) -> None:
                print(json.dumps({"bench": bench.name, "metric": metric,
                                  "value": round(value, 6), "unit": unit, "target": target,
                                  "db": args.db}, ensure_ascii=False), flush=True)

            bench.run(args.size or bench.default_size, emit)
    finally:
        if os.environ.get("WUTONG_BENCH_KEEP"):
            print(f"kept database {pg_name or scratch / 'bench.sqlite3'}", file=sys.stderr)
        else:
            from django.db import connections

            connections.close_all()
            if pg_name:
                base = os.environ.get("WUTONG_BENCH_POSTGRES_URL",
                                      "postgres://postgres@127.0.0.1:5432")
                _pg_admin(base, f'DROP DATABASE IF EXISTS "{pg_name}"')
            shutil.rmtree(scratch, ignore_errors=True)  # a million talents: a gigabyte
    return 0


def _pg_admin(base: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql)


if __name__ == "__main__":
    sys.exit(main())
