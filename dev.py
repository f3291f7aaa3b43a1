#!/usr/bin/env python3
"""Wutong's two developer commands (see README):

    python3 dev.py up     install everything, build the demo and serve http://127.0.0.1:8000
    python3 dev.py test   install what the tests need and run the whole suite

Needs only Python 3.11+ and the ordinary system tools; everything else is installed into
``.venv`` from the package registries. Nothing is fetched at run time.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
WUTONG = VENV / "bin" / "wutong"
CHROMIUM = Path("/usr/bin/chromium")


def say(msg: str) -> None:
    print(f"[wutong] {msg}", flush=True)


def banner(msg: str) -> None:
    line = "!" * 78
    print(f"\n{line}\n!! {msg}\n{line}\n", flush=True)


def run(*cmd, env=None, check=True) -> int:
    result = subprocess.run([str(c) for c in cmd], cwd=ROOT, env=env)
    if check and result.returncode != 0:
        sys.exit(result.returncode)
    return result.returncode


def ensure_venv(extras: str = "") -> None:
    if not PY.exists():
        say("creating the virtual environment .venv")
        run(sys.executable, "-m", "venv", VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed{extras or '-base'}"
    if stamp.exists() and stamp.read_text() == digest:
        install_assets()
        return
    say("installing dependencies (pinned in pyproject.toml)")
    run(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--upgrade", "pip")
    target = f".{extras}" if extras else "."
    run(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target)
    stamp.write_text(digest)
    install_assets()


def install_assets() -> None:
    """ECharts from the npm registry into .venv (integrity-checked; skipped when present).
    Without it the figures pages show tables, so a failure here only warns."""
    if run(WUTONG, "install_assets", check=False) != 0:
        banner("ECharts not installed (no network?): the figures pages will show tables. "
               "Run `.venv/bin/wutong install_assets` later.")


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def up() -> None:
    ensure_venv()
    env = dict(os.environ)
    run(WUTONG, "i18n_compile", env=env)
    run(WUTONG, "migrate", "--noinput", "-v", "0", env=env)
    run(WUTONG, "collectstatic", "--noinput", "-v", "0", env=env)
    run(WUTONG, "demo_seed", env=env)
    if port_open("127.0.0.1", 8000):
        sys.exit("Port 8000 is already in use: stop the other server first.")
    backend = env.get("WUTONG_TASK_BACKEND") or ("rq" if env.get("REDIS_URL") else "db")
    worker_cmd = [WUTONG, "rqworker", "default", "--job-class", "django_tasks_rq.Job",
                  "--with-scheduler"] \
        if backend == "rq" else [WUTONG, "db_worker", "--interval", "1"]
    say(f"starting the task worker ({backend})")
    worker = subprocess.Popen([str(c) for c in worker_cmd], cwd=ROOT, env=env)
    say("serving http://127.0.0.1:8000  (Ctrl-C stops the server and the worker)")
    server = subprocess.Popen([str(WUTONG), "serve", "--host", "127.0.0.1", "--port", "8000"],
                              cwd=ROOT, env=env)
    try:
        while server.poll() is None and worker.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        for proc in (server, worker):
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in (server, worker):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def ensure_browser() -> bool:
    """Debian's chromium for the Playwright tests: install it where we have the rights."""
    if CHROMIUM.exists():
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("installing Debian's chromium and CJK fonts for the browser tests")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends",
                        "chromium", "fonts-noto-cjk"], env=env, check=False)
    return CHROMIUM.exists()


def postgres_url() -> str | None:
    url = os.environ.get("WUTONG_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/wutong")
    host_port = url.split("@", 1)[-1].split("/", 1)[0]
    host, _, port = host_port.partition(":")
    return url if port_open(host, int(port or 5432)) else None


def test(pytest_args: list[str]) -> None:
    ensure_venv("[test]")
    env = dict(os.environ, WUTONG_ENV="test", PYTHONDONTWRITEBYTECODE="1")
    env.pop("DATABASE_URL", None)
    run(WUTONG, "i18n_compile", env=env)
    say("ruff")
    run(VENV / "bin" / "ruff", "check", "src", "tests", "benches", "dev.py", env=env)
    if not ensure_browser():
        banner("BROWSER TESTS SKIPPED: /usr/bin/chromium is missing and could not be installed "
               "(needs root and apt-get). Install Debian's 'chromium' package to run them.")
        env["WUTONG_SKIP_BROWSER"] = "1"
    if not port_open("127.0.0.1", 6379):
        banner("REDIS TESTS SKIPPED: nothing listens on 127.0.0.1:6379.")
    if not pytest_args:  # the whole suite, on both cores
        pytest_args = ["-n", "2"]
    failures = 0
    say("test suite on SQLite")
    failures += run(PY, "-m", "pytest", *pytest_args, env=env, check=False) != 0
    pg = postgres_url()
    if pg:
        say("test suite on PostgreSQL")
        failures += run(PY, "-m", "pytest", *pytest_args,
                        env=dict(env, DATABASE_URL=pg), check=False) != 0
    else:
        banner("POSTGRESQL RUN SKIPPED: no server at 127.0.0.1:5432 "
               "(set WUTONG_TEST_POSTGRES_URL to point at one).")
    sys.exit(1 if failures else 0)


def main() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit("Wutong needs Python 3.11 or newer.")
    if len(sys.argv) < 2 or sys.argv[1] not in ("up", "test"):
        sys.exit(__doc__)
    if sys.argv[1] == "up":
        up()
    else:
        test(sys.argv[2:])


if __name__ == "__main__":
    main()
