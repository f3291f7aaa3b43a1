"""Background jobs as users see them: what runs for whom, how far it has got, its result."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wutong.core.pii import PersonalDataField
from wutong.core.scope import RestrictedQuerySet, ScopeSpec


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class Job(models.Model):
    """A piece of background work started by a user (an export, an import, a scan).

    The task updates ``done``/``total`` as it goes, so a page can show a progress bar; the
    result (a file, a summary) stays here for the user who started it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("类型"), max_length=40)
    title = models.CharField(_("名称"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                   related_name="jobs", verbose_name=_("发起人"))
    region = models.ForeignKey("core.Region", null=True, blank=True, on_delete=models.SET_NULL,
                               verbose_name=_("地区"))
    params = models.JSONField(default=dict, blank=True)
    # The list filters a job runs with can hold a phone or ID number typed into a search box:
    # kept encrypted, like any personal data.
    filters = PersonalDataField(kind="text")
    status = models.CharField(_("状态"), max_length=12, choices=JobStatus.choices,
                              default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    message = models.TextField(_("说明"), blank=True)
    result_file = models.CharField(max_length=300, blank=True)
    result_name = models.CharField(_("结果文件"), max_length=200, blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope = ScopeSpec(owner="created_by")

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))

    @property
    def percent_step(self) -> int:
        """The percentage rounded down to tens, for the CSS width class (no inline styles)."""
        return self.percent // 10 * 10

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)
