"""Verify the audit log's hash chain; name the first broken record."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from wutong.core.audit import audit_verify


class Command(BaseCommand):
    help = "Check every audit record's hash and link; exit 1 at the first broken one."

    def handle(self, *args, **options):
        checked, broken, reason = audit_verify()
        if broken is None:
            self.stdout.write(f"审计链完整：已校验 {checked} 条记录。")
            return
        why = ("内容与哈希不符（记录被修改）" if reason == "hash"
               else "与上一条记录的链接断开（前面有记录被删除或篡改）")
        self.stderr.write(
            f"审计链断裂：第一条异常记录 #{broken.pk}（{broken.created_at:%Y-%m-%d %H:%M:%S}，"
            f"{broken.actor_name}，{broken.get_action_display()}）：{why}。此前 {checked} 条完好。")
        sys.exit(1)
