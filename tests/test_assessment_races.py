"""Two colleagues of a unit reporting the same task at the same moment, and the office
scoring twice at once: one report per task and month, one score per unit, the audit chain
intact. SQLite serializes writers (IMMEDIATE); PostgreSQL has the row lock and constraints."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.utils import timezone

from tests.test_assessment_dispatch import make_tasks
from tests.test_races import run_threads
from wutong.accounts.models import User
from wutong.assessment import scoring
from wutong.assessment import services as svc
from wutong.assessment.models import DispatchRound, IndicatorSystem, ProgressReport, Task, UnitScore
from wutong.core.audit import audit_verify
from wutong.core.errors import AppError


@pytest.mark.django_db(transaction=True)
def test_two_colleagues_reporting_at_once_make_one_report(world):
    plan, tasks = make_tasks(world)
    round_ = svc.round_open(user=world["city"], plan=plan, month=5,
                            due_on=timezone.localdate() + dt.timedelta(days=5))
    start = threading.Barrier(2)
    outcomes = []

    def report(i):
        user = User.objects.get(pk=(world["member"], world["member_peer"])[i].pk)
        r = DispatchRound.objects.select_related("plan").get(pk=round_.pk)
        task = Task.objects.get(pk=tasks[0].pk)
        start.wait(timeout=30)
        try:
            svc.report_submit(user=user, round=r, task=task, done=f"第{i}人的报送")
            outcomes.append("ok")
        except AppError as exc:
            outcomes.append(exc.message)

    assert run_threads(2, report) == []
    assert ProgressReport.objects.filter(round=round_, task=tasks[0]).count() == 1
    assert outcomes.count("ok") >= 1, outcomes
    assert audit_verify()[1] is None


@pytest.mark.django_db(transaction=True)
def test_scoring_twice_at_once_keeps_one_score_per_unit(world):
    make_tasks(world)
    system = scoring.system_create(user=world["city"], region=world["city"].region,
                                   year=2026, title="考核", units=[world["daqing_kjj"],
                                                                   world["daqing_rsj"]])
    scoring.indicator_add(user=world["city"], system=system, part="basic", name="按时报送",
                          points=40, method="computed", measure_key="dispatch_on_time",
                          target=100)
    start = threading.Barrier(2)

    def run(i):
        user = User.objects.get(pk=world["city"].pk)
        s = IndicatorSystem.objects.get(pk=system.pk)
        start.wait(timeout=30)
        scoring.system_score(user=user, system=s)

    assert run_threads(2, run) == []
    assert UnitScore.objects.filter(system=system).count() == 2
