"""An import as a background job: the upload kept sealed, the task queued, the outcome recorded.

An app's import page calls ``import_job_start`` with its task; the task calls
``import_job_execute`` with the function that checks and writes the sheet. The job page
(``core:job_detail``) follows the job and offers the problem copy, which is sealed at rest
like the upload (both repeat the sheet's personal data) and unsealed by ``core:job_download``.

The runner is called as ``run(user=…, path=<file object>, filename=…, default_region=…,
problem_path=…, progress=…)`` and returns an object with ``ok``, ``rows``, ``problems`` (a list
of ``report.Problem``) and ``problem_file`` (the written problem copy, or None).
"""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wutong.core import context
from wutong.core.imports.errors import ImportRefused
from wutong.core.imports.report import Problem, summarize
from wutong.core.models import Job, Region
from wutong.core.models.jobs import JobStatus
from wutong.core.security import crypto

logger = logging.getLogger(__name__)


@dataclass
class ImportResult:
    """What an import did, or why it did not: what a runner returns."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_file: Path | None = None
    unknown_headers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the clerk should know either way

    @property
    def ok(self) -> bool:
        return not self.problems


def table_notes(table) -> list[str]:
    """What the clerk should be told about how their file was read: other sheets that look
    like rosters too were not imported."""
    if not table.other_sheets:
        return []
    return [_("文件里不止一个工作表像名单：只导入了「%(sheet)s」，「%(others)s」没有导入。如需"
              "导入，请把它另存为单独的文件后上传。") % {
                  "sheet": table.sheet_name, "others": "」「".join(table.other_sheets)}]

# What offices' suites save a table as: Excel (and its templates), WPS 表格 (.et, .ett),
# LibreOffice (.ods, .ots) and text. The reader decides the format by the content.
UPLOAD_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xltx", ".xltm", ".xlt", ".et", ".ett", ".ods",
                   ".ots", ".csv", ".txt", ".tsv")


def import_job_start(*, user, upload, region: Region, title: str, task) -> Job:
    """Seal the uploaded file, create the job and queue ``task`` (called with the job id)
    once the transaction commits. The caller has checked the user's permission."""
    if upload is None:
        raise ImportRefused(_("请选择要上传的文件。"))
    name = Path(upload.name or "upload").name[:150]
    suffix = Path(name).suffix.lower()
    if suffix == ".numbers":
        raise ImportRefused(_("暂不支持 Numbers 表格：请在 Numbers 中选择“文件 > 导出为 > Excel”，"
                              "上传导出的 .xlsx 文件。"))
    if suffix not in UPLOAD_SUFFIXES:
        raise ImportRefused(_("只支持 Excel（.xlsx/.xls）、WPS 表格（.et）、.ods 和 CSV 文件。"))
    if upload.size > settings.WUTONG_IMPORT_MAX_BYTES:
        raise ImportRefused(_("文件过大（上限 %(mb)d MB），请拆分后分批导入。") % {
            "mb": settings.WUTONG_IMPORT_MAX_BYTES // (1024 * 1024)})
    folder = settings.WUTONG_HOME / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"{uuid.uuid4().hex}{suffix}.sealed"
    stored.write_bytes(crypto.encrypt_bytes(b"".join(upload.chunks())))
    job = Job.objects.create(kind="import", title=f"{title}：{name}"[:200], created_by=user,
                             region=region,
                             params={"path": str(stored), "filename": name,
                                     "request_id": context.current_request_id()},
                             filters=json.dumps({"region": region.code}))
    transaction.on_commit(lambda: task.enqueue(str(job.pk)))
    return job


def import_job_execute(*, job_id: str, run: Callable[..., Any],
                       success_message: Callable[[Any], str]) -> str:
    """Run a queued import on its starter's behalf and record the outcome on the job."""
    job = Job.objects.select_related("created_by", "region").get(pk=job_id)
    if job.is_finished:
        return job.status
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())

    def progress(done: int, total: int) -> None:
        Job.objects.filter(pk=job.pk).update(done=done, total=total)

    problem_path = settings.WUTONG_EXPORT_DIR / f"{job.pk}-problems.xlsx"
    problem_path.parent.mkdir(parents=True, exist_ok=True)
    source = Path(job.params["path"])
    fields: dict[str, Any] = {}
    with context.bound(job.params.get("request_id") or context.new_request_id()):
        try:
            content = io.BytesIO(crypto.decrypt_bytes(source.read_bytes()))
            result = run(user=job.created_by, path=content, filename=job.params["filename"],
                         default_region=job.region, problem_path=problem_path,
                         progress=progress)
        except ImportRefused as exc:
            status, message = JobStatus.FAILED, exc.message
        except Exception:
            logger.exception("import job %s failed", job.pk)
            status = JobStatus.FAILED
            message = _("导入失败，数据未作任何改动。请稍后重试或联系管理员。")
        else:
            notes = list(getattr(result, "notes", ()))
            if result.ok:
                status = JobStatus.SUCCEEDED
                message = "\n".join([success_message(result), *notes])
                fields = {"done": result.rows, "total": result.rows}
            else:
                status = JobStatus.FAILED
                message = "\n".join([_("发现 %(n)d 处问题，未导入任何数据。请下载问题清单，"
                                       "修改后重新上传。") % {"n": len(result.problems)},
                                     *notes, *summarize(result.problems)])
                if result.problem_file:
                    fields = _seal_problem_copy(Path(result.problem_file),
                                                job.params["filename"])
        finally:
            source.unlink(missing_ok=True)
    Job.objects.filter(pk=job.pk).update(status=status, message=message,
                                         finished_at=timezone.now(), **fields)
    return status


def _seal_problem_copy(path: Path, filename: str) -> dict[str, str]:
    sealed = path.with_name(path.name + ".sealed")
    sealed.write_bytes(crypto.encrypt_bytes(path.read_bytes()))
    path.unlink()
    stem = f"问题清单-{filename}"[:190].rsplit(".", 1)[0]
    return {"result_file": str(sealed), "result_name": stem + ".xlsx"}
