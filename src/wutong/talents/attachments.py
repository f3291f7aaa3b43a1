"""Attachments of a person file: what a file is (decided by its content) and where its sealed
bytes live. Storage is these three functions, so S3-compatible storage can replace the local
folder without touching the services."""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from wutong.core.errors import ValidationFailed
from wutong.core.security import crypto

# file type → (extensions a user may give it, content type of the download)
FILE_TYPES = {
    "pdf": ((".pdf",), "application/pdf"),
    "jpg": ((".jpg", ".jpeg"), "image/jpeg"),
    "png": ((".png",), "image/png"),
    "docx": ((".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ((".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
ACCEPT = ",".join(ext for exts, _ct in FILE_TYPES.values() for ext in exts)
SEAL_KIND = "attachment"
MAX_ZIP_MEMBERS = 5000


def _refused(message: str) -> ValidationFailed:
    return ValidationFailed(message, details=[{"field": "file", "message": message}])


def sniff(data: bytes) -> str | None:
    """The file type the content shows (never the name): pdf, jpg, png, docx, xlsx or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                infos = archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError,
                NotImplementedError, UnicodeError):
            return None
        if len(infos) > MAX_ZIP_MEMBERS or any(i.flag_bits & 0x1 for i in infos):
            return None
        names = {i.filename for i in infos}
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
    return None


def read_upload(upload) -> tuple[bytes, str, str]:
    """(bytes, file type, clean file name) of an uploaded file, or a Chinese refusal: no file,
    empty, too large, a type not accepted, or content that is not what the name says."""
    if upload is None:
        raise _refused(_("请选择要上传的文件。"))
    limit = settings.WUTONG_ATTACHMENT_MAX_BYTES
    too_big = _refused(_("文件过大：附件最大 %(mb)s MB。") % {"mb": megabytes(limit)})
    if (upload.size or 0) > limit:
        raise too_big
    data = b"".join(upload.chunks())
    if len(data) > limit:
        raise too_big
    if not data.strip(b" \t\r\n\x00"):
        raise _refused(_("文件是空的，请重新选择。"))
    name = Path(upload.name or "").name.replace("\x00", "")[:150] or "attachment"
    suffix = Path(name).suffix.lower()
    claimed = next((t for t, (exts, _ct) in FILE_TYPES.items() if suffix in exts), None)
    if claimed is None:
        raise _refused(_("只能上传 PDF、JPG、PNG、Word（.docx）或 Excel（.xlsx）文件。"))
    actual = sniff(data)
    if actual != claimed:
        raise _refused(_("文件内容与扩展名“%(ext)s”不符（文件可能已损坏或被改名），"
                         "请上传原始文件。") % {"ext": suffix})
    return data, actual, name


def megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.3g}"


def content_type(file_type: str) -> str:
    return FILE_TYPES.get(file_type, ((), "application/octet-stream"))[1]


# --- storage: sealed bytes under WUTONG_HOME/attachments ----------------------------------------

def _path(key: str) -> Path:
    if not key.isalnum():
        raise ValueError("bad storage key")
    return settings.WUTONG_HOME / "attachments" / key[:2] / key


def blob_store(data: bytes) -> str:
    """Seal and keep ``data``; the answer is the key to read it back."""
    key = uuid.uuid4().hex
    path = _path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(crypto.encrypt_bytes(data, kind=SEAL_KIND))
    return key


def blob_load(key: str) -> bytes:
    return crypto.decrypt_bytes(_path(key).read_bytes(), kind=SEAL_KIND)


def blob_delete(key: str) -> None:
    _path(key).unlink(missing_ok=True)
