"""Two reviewers approving at the same moment, each on their own connection: one decision
is taken, the other is refused, nobody is paid twice, and a fund is never overcommitted.
Runs on SQLite (IMMEDIATE transactions serialize writers) and on PostgreSQL (row locks)."""

from __future__ import annotations

import threading

import pytest

from tests.redemption_helpers import build, pdf
from tests.test_races import run_threads
from wutong.accounts.models import User
from wutong.core.errors import AppError
from wutong.policies import redemption_services as svc
from wutong.policies.redemption_models import (
    Application,
    ApplicationStatus,
    ApplicationStep,
    Payment,
)


def _submitted(r, talent, user):
    app = svc.application_start(user=user, talent=talent, benefit=r["benefit"])
    svc.application_material_upload(user=user, application=app, name="户籍证明", upload=pdf())
    return svc.application_submit(user=user, application=app)


def _race(reviewers, apps):
    """Each thread i has reviewer i decide apps[i] as soon as all threads are ready."""
    start = threading.Barrier(len(reviewers))
    outcomes = []

    def decide(i):
        user = User.objects.get(pk=reviewers[i].pk)
        app = Application.objects.get(pk=apps[i].pk)
        start.wait(timeout=30)
        try:
            done = svc.application_review(user=user, application=app, decision="approve",
                                          reason="同意", expected_step=1)
            outcomes.append(done.status)
        except AppError as exc:
            outcomes.append(exc.message)

    assert run_threads(len(reviewers), decide) == []
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_at_once_pay_once(world):
    r = build(world, chain=("daqing_kjj",))
    app = _submitted(r, r["mine"], r["talent"])
    outcomes = _race([r["member"], r["member_peer"]], [app, app])
    assert outcomes.count(ApplicationStatus.APPROVED) == 1, outcomes
    # The other is refused: "already decided" when it waited on the row lock, "out of your
    # scope" when it started after the first had committed (the step has left the unit).
    refusals = [o for o in outcomes if o not in ApplicationStatus.values]
    assert len(refusals) == 1 and ("已由他人处理" in refusals[0] or "范围" in refusals[0])
    assert ApplicationStep.objects.filter(application=app, decision="approve").count() == 1
    assert Payment.objects.filter(talent=r["mine"], benefit=r["benefit"]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_never_overcommit_a_fund(world):
    r = build(world, chain=("daqing_kjj",), budget_fen=1_500_000)  # room for one of two
    first = _submitted(r, r["mine"], r["talent"])
    second = _submitted(r, r["colleague"], r["employer"])
    outcomes = _race([r["member"], r["member_peer"]], [first, second])
    assert sorted(outcomes) == sorted([ApplicationStatus.APPROVED, ApplicationStatus.HELD])
    assert Payment.objects.filter(fund=r["fund"]).count() == 1
    held = Application.objects.get(status=ApplicationStatus.HELD)
    assert "剩余预算不足" in held.held_reason and not held.payments.exists()
