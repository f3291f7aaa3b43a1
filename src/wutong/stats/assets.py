"""ECharts, served by the deployment itself and never kept in the repository: the official
npm tarball is fetched at install time (``wutong install_assets``), its integrity checked
against the pinned SRI hash, and only ``dist/echarts.min.js`` and ``LICENSE`` extracted into
``settings.WUTONG_ASSET_DIR/echarts/`` (inside the virtual environment by default), which
``settings`` adds to ``STATICFILES_DIRS`` when it exists."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
import urllib.request
from pathlib import Path

from django.conf import settings

ECHARTS_VERSION = "6.1.0"
ECHARTS_URL = "https://registry.npmjs.org/echarts/-/echarts-6.1.0.tgz"
ECHARTS_INTEGRITY = ("sha512-q0yaFPggC9FUdsWH4blavRWFmxdrIodbkoKNAjJudAI6CA9gNPxHtV2RcZNEepZVlk4yv"
                     "BYkOkbk6HIVpIyHZA==")
MEMBERS = {"package/dist/echarts.min.js": "echarts.min.js", "package/LICENSE": "LICENSE"}
STAMP = ".installed.json"
MAX_BYTES = 64 * 1024 * 1024
STATIC_NAME = "echarts/echarts.min.js"


class AssetError(Exception):
    """The asset could not be installed; the message says why, in Chinese."""


def target_dir() -> Path:
    return Path(settings.WUTONG_ASSET_DIR) / "echarts"


def integrity_of(data: bytes, integrity: str) -> bool:
    """Subresource-integrity check (``sha512-<base64>``, as npm's lockfiles write it)."""
    algorithm, _sep, expected = integrity.partition("-")
    if algorithm not in ("sha256", "sha384", "sha512") or not expected:
        return False
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    return digest == expected


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def installed(dest: Path | None = None, integrity: str = ECHARTS_INTEGRITY) -> bool:
    """True when every file is there and unchanged since it was extracted from the tarball
    with this integrity."""
    dest = dest or target_dir()
    try:
        stamp = json.loads((dest / STAMP).read_text())
    except (OSError, ValueError):
        return False
    if stamp.get("integrity") != integrity:
        return False
    files = stamp.get("files") or {}
    return set(files) == set(MEMBERS.values()) and all(
        (dest / name).is_file() and _sha256(dest / name) == digest
        for name, digest in files.items())


def _fetch(url: str) -> bytes:
    if not url.startswith(("https://", "file://")):
        raise AssetError(f"只接受 https:// 或 file:// 地址：{url}")
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - scheme checked
            data = response.read(MAX_BYTES + 1)
    except OSError as exc:
        raise AssetError(f"下载失败：{url}（{exc}）") from exc
    if len(data) > MAX_BYTES:
        raise AssetError("下载的文件过大，已拒绝。")
    return data


def install(*, url: str = ECHARTS_URL, integrity: str = ECHARTS_INTEGRITY,
            dest: Path | None = None, force: bool = False) -> str:
    """Install ECharts; returns "present" (nothing to do) or "installed". Raises
    ``AssetError`` when the download fails or its hash is not the pinned one (nothing is
    written then)."""
    dest = dest or target_dir()
    if not force and installed(dest, integrity):
        return "present"
    data = _fetch(url)
    if not integrity_of(data, integrity):
        raise AssetError("文件校验失败：下载内容与锁定的 integrity 哈希不一致，已拒绝安装。")
    contents: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for member in tar.getmembers():
                if member.name in MEMBERS and member.isfile():
                    handle = tar.extractfile(member)
                    if handle is not None:
                        contents[MEMBERS[member.name]] = handle.read()
    except (tarfile.TarError, OSError) as exc:
        raise AssetError(f"压缩包无法读取：{exc}") from exc
    missing = set(MEMBERS.values()) - set(contents)
    if missing:
        raise AssetError(f"压缩包中缺少文件：{', '.join(sorted(missing))}")
    dest.mkdir(parents=True, exist_ok=True)
    for name, body in contents.items():
        tmp = dest / f".{name}.tmp"
        tmp.write_bytes(body)
        tmp.replace(dest / name)
    (dest / STAMP).write_text(json.dumps({
        "package": "echarts", "version": ECHARTS_VERSION, "url": url, "integrity": integrity,
        "files": {name: hashlib.sha256(body).hexdigest() for name, body in contents.items()}},
        indent=1))
    return "installed"


def echarts_url() -> str | None:
    """The static URL of ECharts, or None when it is not installed (pages then show tables
    with a notice)."""
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage

    if not finders.find(STATIC_NAME):
        return None
    try:
        return staticfiles_storage.url(STATIC_NAME)
    except ValueError:  # a manifest storage without it: collectstatic ran before the install
        return None
