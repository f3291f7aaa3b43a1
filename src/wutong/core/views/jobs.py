"""Background jobs: start an export, watch its progress, download the result."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wutong.core import selectors, services
from wutong.core.errors import NotFound
from wutong.core.models import Job


def job_list(request):
    jobs = selectors.jobs_for(user=request.user)[:50]
    return render(request, "core/job_list.html", {"jobs": jobs})


def job_detail(request, pk):
    job = Job.objects.get_restricted(request.user, "view", pk=pk)
    template = "core/partials/job_progress.html" if request.htmx else "core/job_detail.html"
    return render(request, template, {"job": job})


def job_download(request, pk):
    job = Job.objects.get_restricted(request.user, "view", pk=pk)
    if not job.result_file:
        raise NotFound()
    path = Path(job.result_file).resolve()
    if settings.WUTONG_EXPORT_DIR.resolve() not in path.parents or not path.exists():
        raise NotFound()
    if path.suffix == ".sealed":
        import io

        from wutong.core.security.crypto import decrypt_bytes

        return FileResponse(io.BytesIO(decrypt_bytes(path.read_bytes())), as_attachment=True,
                            filename=job.result_name)
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.result_name)


@require_POST
def export_start(request):
    params = {k: v for k, v in request.POST.items()
              if k not in ("csrfmiddlewaretoken", "exporter", "format")}
    job = services.export_start(user=request.user, exporter_key=request.POST.get("exporter", ""),
                                fmt=request.POST.get("format", "xlsx"), params=params)
    return redirect("core:job_detail", pk=job.pk)
