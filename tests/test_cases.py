"""Service cases (issue 5): the loop from raising to rating, refused transitions, who may
rate, the working-day clock across the real 2026 holidays (and a year the calendar package
does not know), pause and resume, reopening, escalation once per level, and the data scope
of every list and page."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.utils import timezone

from tests.cases_helpers import build, raise_case
from tests.test_races import run_threads
from wutong.accounts.models import User
from wutong.cases import services as svc
from wutong.cases import sweep
from wutong.cases.models import Case, CaseStatus, CaseStep, Escalation, WorkdayOverride
from wutong.cases.workdays import Calendar, unknown_years
from wutong.core.errors import AppError, Conflict, NotFound, PermissionDenied, ValidationFailed
from wutong.core.models import AuditRecord, Message

D = dt.date


# --- working days ----------------------------------------------------------------------------


def test_national_day_2026_is_skipped_and_the_make_up_saturday_counts():
    cal = Calendar()
    # Tue 29 Sep + 5: 30 Sep, (1–7 Oct off), 8 Oct, 9 Oct, Sat 10 Oct (调休上班), Mon 12 Oct.
    assert cal.add(D(2026, 9, 29), 5) == D(2026, 10, 12)
    assert cal.is_workday(D(2026, 10, 10)) and not cal.is_workday(D(2026, 10, 11))
    assert cal.between(D(2026, 9, 29), D(2026, 10, 12)) == 5
    # The Mid-autumn/National Day make-up Sunday 20 Sep 2026 is a working day too.
    assert cal.add(D(2026, 9, 18), 1) == D(2026, 9, 20)
    # Mid-autumn (25–27 Sep) is off: Thu 24 Sep + 1 is Mon 28 Sep.
    assert cal.add(D(2026, 9, 24), 1) == D(2026, 9, 28)


def test_spring_festival_2026():
    cal = Calendar()
    # Sat 14 Feb 2026 is a make-up working day; 15–23 Feb off; back on Tue 24 Feb.
    assert cal.add(D(2026, 2, 12), 1) == D(2026, 2, 13)
    assert cal.add(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert cal.add(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert cal.add(D(2026, 2, 12), 3) == D(2026, 2, 24)
    assert cal.subtract(D(2026, 2, 24), 2) == D(2026, 2, 13)
    # Sat 28 Feb 2026 is worked as well.
    assert cal.is_workday(D(2026, 2, 28))


@pytest.mark.django_db
def test_a_year_the_package_does_not_know_counts_weekends_and_the_office_overrides():
    assert Calendar().add(D(2027, 1, 1), 1) == D(2027, 1, 4)  # Fri → Mon: weekends only
    assert unknown_years([2026, 2027]) == [2027]
    WorkdayOverride.objects.create(day=D(2027, 1, 4), kind="holiday", note="元旦调休")
    WorkdayOverride.objects.create(day=D(2027, 1, 9), kind="workday", note="调休上班")
    cal = Calendar.load()
    assert cal.add(D(2027, 1, 1), 1) == D(2027, 1, 5)
    assert cal.add(D(2027, 1, 8), 1) == D(2027, 1, 9)  # the entered make-up Saturday
    assert unknown_years([2026, 2027]) == []


@pytest.mark.django_db
def test_the_administrator_enters_holidays_and_offices_read_them(world, login):
    """One calendar for the whole deployment: an office of one place must not move the
    deadlines of every other place."""
    before = login(world["city"]).get("/cases/calendar/").content.decode()
    assert "请联系系统管理员录入" in before  # a year the calendar does not know: whom to ask
    admin = login(world["admin"])
    page = admin.get("/cases/calendar/")
    assert page.status_code == 200 and "2027" in page.content.decode()  # the warning
    admin.post("/cases/calendar/", {"day": "2027-02-08", "kind": "holiday", "note": "春节"})
    day = WorkdayOverride.objects.get(day=D(2027, 2, 8))
    assert day.kind == "holiday"
    assert AuditRecord.objects.filter(object_type="cases.WorkdayOverride").exists()
    office = login(world["city"])
    page = office.get("/cases/calendar/").content.decode()
    assert "春节" in page and 'data-testid="override-form"' not in page
    assert office.post("/cases/calendar/", {"day": "2027-02-09", "kind": "holiday"}
                       ).status_code == 403
    assert office.post(f"/cases/calendar/{day.pk}/delete/").status_code == 403
    assert WorkdayOverride.objects.filter(pk=day.pk).exists()
    assert not WorkdayOverride.objects.filter(day=D(2027, 2, 9)).exists()
    assert login(world["member"]).get("/cases/calendar/").status_code == 403


# --- the loop ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_whole_loop_is_recorded_notified_and_audited(world):
    w = build(world)
    case = raise_case(w)
    assert case.status == CaseStatus.RAISED and case.requester_kind == "talent"
    assert case.due_on == Calendar().add(dt.date.today(), 5)
    # The talent's district office receives it (the nearest office of the talent's region).
    assert Message.objects.filter(recipient=w["district"], kind="cases.raised").exists()

    case = svc.case_assign(user=w["city"], case=case)  # accepts and assigns in one step
    assert case.status == CaseStatus.ASSIGNED and case.unit == w["daqing_kjj"]
    assert set(Message.objects.filter(kind="cases.assigned").values_list(
        "recipient__username", flat=True)) == {"member", "member_peer"}

    svc.case_note(user=w["member"], case=case, text="已联系实验小学。")
    case = svc.case_answer(user=w["member"], case=case, text="已安排四年级学位。")
    assert case.status == CaseStatus.ANSWERED and case.handler == w["member"]
    assert Message.objects.filter(recipient=w["talent"], kind="cases.answered").exists()

    case = svc.case_confirm(user=w["talent"], case=case, satisfaction=5, comment="很快！")
    assert case.status == CaseStatus.CLOSED and case.satisfaction == 5
    kinds = list(CaseStep.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["raise", "accept", "assign", "note", "answer", "confirm"]
    assert all(s.actor_id for s in CaseStep.objects.filter(case=case))
    assert AuditRecord.objects.filter(object_type="cases.Case", object_id=str(case.pk)) \
        .count() == 5  # create; assign (with its acceptance); note; answer; confirm


@pytest.mark.django_db
def test_transitions_out_of_order_are_refused_in_chinese(world):
    w = build(world)
    case = raise_case(w)
    with pytest.raises(PermissionDenied):  # not the unit yet
        svc.case_answer(user=w["member"], case=case, text="答复")
    with pytest.raises(Conflict, match="不能确认办结"):
        svc.case_confirm(user=w["talent"], case=case, satisfaction=5)
    case = svc.case_assign(user=w["city"], case=case)
    with pytest.raises(Conflict, match=r"已交办.*不能受理"):
        svc.case_accept(user=w["city"], case=case)
    svc.case_answer(user=w["member"], case=case, text="答复")
    with pytest.raises(Conflict, match="已答复"):
        svc.case_answer(user=w["member_peer"], case=case, text="再答复")
    with pytest.raises(ValidationFailed):
        svc.case_confirm(user=w["talent"], case=case, satisfaction=6)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ANSWERED


@pytest.mark.django_db
def test_only_the_requester_or_the_talent_may_rate(world):
    w = build(world)
    case = svc.case_assign(user=w["city"], case=raise_case(w))
    svc.case_answer(user=w["member"], case=case, text="已办理")
    for other in ("city", "member", "talent2", "employer"):
        with pytest.raises(PermissionDenied):
            svc.case_confirm(user=w[other], case=case, satisfaction=1)
    assert Case.objects.get(pk=case.pk).satisfaction is None
    # An employer raises for a colleague without an account: the employer rates.
    other = raise_case(w, user=w["employer"], talent=w["colleague"])
    assert other.requester_kind == "employer"
    other = svc.case_assign(user=w["city"], case=other)
    svc.case_answer(user=w["member"], case=other, text="已办理")
    with pytest.raises(PermissionDenied):
        svc.case_confirm(user=w["talent"], case=other, satisfaction=5)
    assert svc.case_confirm(user=w["employer"], case=other, satisfaction=4).satisfaction == 4


@pytest.mark.django_db
def test_who_may_raise_for_whom(world):
    w = build(world)
    with pytest.raises(NotFound):  # a talent only for themself
        raise_case(w, user=w["talent"], talent=w["colleague"])
    with pytest.raises(NotFound):  # an employer only for its people
        raise_case(w, user=w["employer"], talent=w["stranger"])
    with pytest.raises(NotFound):  # an office only in its region
        raise_case(w, user=w["other_city"], talent=w["mine"], case_type=w["liaoyang_type"])
    with pytest.raises(ValidationFailed):  # 辽阳's catalogue does not apply in 大庆
        raise_case(w, user=w["city"], talent=w["mine"], case_type=w["liaoyang_type"])
    assert raise_case(w, user=w["leader"], talent=w["stranger"]).requester_kind == "leader"
    with pytest.raises(PermissionDenied):
        raise_case(w, user=w["member"], talent=w["mine"])


@pytest.mark.django_db
def test_the_clock_stops_while_waiting_for_materials_and_resumes(world, monkeypatch):
    w = build(world, days=10)
    monkeypatch.setattr(svc, "_today", lambda: D(2026, 9, 21))  # Monday
    case = svc.case_assign(user=w["city"], case=raise_case(w))
    cal = Calendar()
    # 22–24 Sep, (25–27 off), 28–30 Sep, (1–7 Oct off), 8, 9, Sat 10 Oct, 12 Oct.
    assert case.due_on == cal.add(D(2026, 9, 21), 10) == D(2026, 10, 12)
    monkeypatch.setattr(svc, "_today", lambda: D(2026, 9, 23))
    case = svc.case_request_info(user=w["member"], case=case, text="请补充学籍证明。")
    assert case.status == CaseStatus.WAITING and case.remaining_days == 8
    # The requester answers after the holiday: the 8 working days count from then.
    monkeypatch.setattr(svc, "_today", lambda: D(2026, 10, 9))
    case = svc.case_supply(user=w["talent"], case=case, text="已上传学籍证明。")
    assert case.status == CaseStatus.HANDLING and case.remaining_days is None
    assert case.due_on == cal.add(D(2026, 10, 9), 8) == D(2026, 10, 20)
    with pytest.raises(PermissionDenied):
        svc.case_supply(user=w["talent2"], case=case, text="x")


@pytest.mark.django_db
def test_reopen_gives_a_new_deadline_and_a_new_escalation_round(world, monkeypatch):
    w = build(world)
    case = svc.case_assign(user=w["city"], case=raise_case(w))
    Case.objects.filter(pk=case.pk).update(due_on=D(2026, 1, 5))
    sweep.escalate_overdue(today=D(2026, 1, 7))
    svc.case_answer(user=w["member"], case=case, text="已办理")
    case = svc.case_confirm(user=w["talent"], case=case, satisfaction=2)
    with pytest.raises(PermissionDenied):
        svc.case_reopen(user=w["city"], case=case, reason="x")
    with pytest.raises(ValidationFailed):
        svc.case_reopen(user=w["talent"], case=case, reason=" ")
    case = svc.case_reopen(user=w["talent"], case=case, reason="学位在另一校区，不方便。")
    assert case.status == CaseStatus.HANDLING and case.reopen_count == 1
    assert case.due_on == Calendar().add(dt.date.today(), 5)
    assert case.escalation_level == 0 and case.satisfaction is None
    assert Message.objects.filter(recipient=w["member"], kind="cases.reopened").exists()
    Case.objects.filter(pk=case.pk).update(due_on=D(2026, 1, 5))
    sweep.escalate_overdue(today=D(2026, 1, 7))
    assert list(Escalation.objects.filter(case=case).values_list("round", "level")) == [
        (0, 1), (1, 1)]
    # A case closed more than 30 days ago is not reopened: a new one is raised.
    svc.case_answer(user=w["member"], case=case, text="已调整")
    case = svc.case_confirm(user=w["talent"], case=case, satisfaction=4)
    Case.objects.filter(pk=case.pk).update(closed_at=case.closed_at - dt.timedelta(days=40))
    with pytest.raises(Conflict, match="超过 30 天"):
        svc.case_reopen(user=w["talent"], case=case, reason="又有问题")


@pytest.mark.django_db
def test_transfer_cohandling_and_supervision(world):
    w = build(world)
    case = svc.case_assign(user=w["city"], case=raise_case(w))
    with pytest.raises(ValidationFailed):
        svc.case_transfer(user=w["member"], case=case, unit=w["daqing_kjj"], reason="x")
    case = svc.case_transfer(user=w["member"], case=case, unit=w["daqing_rsj"],
                             reason="属人社局职责")
    assert case.unit == w["daqing_rsj"] and case.handler is None
    assert case.due_on == Calendar().add(dt.date.today(), 5)  # the clock does not restart
    with pytest.raises(PermissionDenied):  # 科技局 no longer answers for it
        svc.case_answer(user=w["member"], case=case, text="x")
    svc.case_add_cohandler(user=w["city"], case=case, unit=w["daqing_kjj"])
    with pytest.raises(Conflict):
        svc.case_add_cohandler(user=w["city"], case=case, unit=w["daqing_kjj"])
    svc.case_note(user=w["member"], case=case, text="协办：已提供学区信息。")  # co-handler
    with pytest.raises(PermissionDenied):
        svc.case_answer(user=w["member"], case=case, text="x")
    with pytest.raises(PermissionDenied):
        svc.case_supervise(user=w["member_other"], case=case, text="x")
    case = svc.case_supervise(user=w["city"], case=case, text="请本周内答复。")
    assert case.is_supervised
    assert Message.objects.filter(recipient=w["member_other"], kind="cases.supervise").exists()
    step = CaseStep.objects.get(case=case, kind="supervise")
    assert step.is_internal  # the requester does not see the office's pressure


@pytest.mark.django_db
def test_a_stale_page_cannot_act_twice(world):
    w = build(world)
    case = svc.case_assign(user=w["city"], case=raise_case(w))
    stale = Case.objects.get(pk=case.pk)
    svc.case_answer(user=w["member"], case=case, text="答复一")
    with pytest.raises(Conflict):
        svc.case_request_info(user=w["member_peer"], case=stale, text="请补充")
    assert Case.objects.get(pk=case.pk).answer == "答复一"


@pytest.mark.django_db(transaction=True)
def test_two_officers_answering_at_once_answer_once(world):
    w = build(world)
    case = svc.case_assign(user=w["city"], case=raise_case(w))
    start = threading.Barrier(2)
    outcomes = []

    def answer(i):
        user = User.objects.get(pk=(w["member"], w["member_peer"])[i].pk)
        mine = Case.objects.get(pk=case.pk)
        start.wait(timeout=30)
        try:
            outcomes.append(svc.case_answer(user=user, case=mine, text=f"答复{i}").status)
        except AppError as exc:
            outcomes.append(exc.message)

    assert run_threads(2, answer) == []
    assert outcomes.count(CaseStatus.ANSWERED) == 1, outcomes
    assert CaseStep.objects.filter(case=case, kind="answer").count() == 1


# --- escalation ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_escalation_goes_up_one_level_at_a_time_and_each_level_once(world):
    w = build(world)
    # A case of a district talent: 萨尔图's office is level 3, 大庆's (the city) level 4.
    case = svc.case_assign(user=w["city"], case=raise_case(w))
    waiting = svc.case_assign(user=w["city"], case=raise_case(w, title="另一件"))
    svc.case_request_info(user=w["member"], case=waiting, text="请补充")
    Case.objects.filter(pk__in=[case.pk, waiting.pk]).update(due_on=D(2026, 11, 16))  # Mon
    Message.objects.all().delete()

    assert sweep.escalate_overdue(today=D(2026, 11, 16)) == {1: 0, 2: 0, 3: 0, 4: 0}
    assert sweep.escalate_overdue(today=D(2026, 11, 17)) == {1: 1, 2: 0, 3: 0, 4: 0}
    assert sweep.escalate_overdue(today=D(2026, 11, 17))[1] == 0  # once
    unit_msgs = set(Message.objects.filter(kind="cases.escalation.1").values_list(
        "recipient__username", flat=True))
    assert unit_msgs == {"member", "member_peer"}  # nobody has taken it: the whole unit
    assert sweep.escalate_overdue(today=D(2026, 11, 18))[2] == 0  # 2 working days late
    assert sweep.escalate_overdue(today=D(2026, 11, 19))[2] == 1  # 3: more than 2
    assert sweep.escalate_overdue(today=D(2026, 11, 23))[3] == 0  # 5 working days late
    assert sweep.escalate_overdue(today=D(2026, 11, 24))[3] == 1  # 6
    assert Message.objects.filter(kind="cases.escalation.3",
                                  recipient=w["district"]).exists()
    assert sweep.escalate_overdue(today=D(2026, 12, 1)) == {1: 0, 2: 0, 3: 0, 4: 1}
    assert Message.objects.filter(kind="cases.escalation.4", recipient=w["city"]).exists()
    assert sweep.escalate_overdue(today=D(2026, 12, 31)) == {1: 0, 2: 0, 3: 0, 4: 0}
    assert list(Escalation.objects.filter(case=case).values_list("level", flat=True)) == [
        1, 2, 3, 4]
    assert not Escalation.objects.filter(case=waiting).exists()  # paused: no escalation
    assert Case.objects.get(pk=case.pk).escalation_level == 4
    assert CaseStep.objects.filter(case=case, kind="escalate").count() == 4


@pytest.mark.django_db
def test_a_sweep_after_a_long_gap_records_every_level_reached_once(world):
    w = build(world)
    case = svc.case_assign(user=w["city"], case=raise_case(w))
    Case.objects.filter(pk=case.pk).update(due_on=D(2026, 10, 12))
    from django.core.management import call_command

    call_command("cases_sweep", "--today", "2026-11-30")
    assert list(Escalation.objects.filter(case=case).values_list("level", flat=True)) == [
        1, 2, 3, 4]
    call_command("cases_sweep", "--today", "2026-12-01")
    assert Escalation.objects.filter(case=case).count() == 4


@pytest.mark.django_db
def test_warning_before_the_deadline_is_a_reminder_rescheduled_and_cancelled(world,
                                                                              monkeypatch):
    from wutong.core.models import Reminder

    w = build(world, days=10, warn=2)
    monkeypatch.setattr(svc, "_today", lambda: D(2026, 12, 1))
    case = raise_case(w)
    key = f"cases.case:{case.pk}:warn"
    reminder = Reminder.objects.get(key=key)
    # Due Tue 15 Dec 2026; warned two working days before, Fri 11 Dec at 09:00.
    assert case.due_on == D(2026, 12, 15)
    assert timezone.localtime(reminder.due_at).date() == D(2026, 12, 11)
    assert set(reminder.recipients.values_list("username", flat=True)) == {"district"}
    case = svc.case_assign(user=w["city"], case=case, handler=w["member_peer"])
    reminder.refresh_from_db()
    assert set(reminder.recipients.values_list("username", flat=True)) == {"member_peer"}
    svc.case_request_info(user=w["member_peer"], case=case, text="请补充")
    reminder.refresh_from_db()
    assert reminder.cancelled_at is not None  # the clock stopped: no warning
    monkeypatch.setattr(svc, "_today", lambda: D(2026, 12, 8))
    case = svc.case_supply(user=w["talent"], case=case, text="已补充")
    reminder.refresh_from_db()
    assert reminder.cancelled_at is None and case.due_on == D(2026, 12, 22)
    assert timezone.localtime(reminder.due_at).date() == D(2026, 12, 18)


# --- data scope --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_list_and_page_keeps_to_the_scope(world, login):
    w = build(world)
    case = svc.case_assign(user=w["city"], case=raise_case(w))
    url = f"/cases/{case.pk}/"
    for who in ("city", "district", "member", "member_peer", "talent", "leader"):
        assert login(w[who]).get(url).status_code == 200, who
    # The employer does not see what the talent raised for themself.
    for who in ("other_city", "longfeng", "member_other", "talent2", "employer"):
        assert login(w[who]).get(url).status_code == 404, who
        assert case.title not in login(w[who]).get("/cases/overdue/").content.decode() or \
            who in ("talent2", "employer")
    Case.objects.filter(pk=case.pk).update(due_on=D(2026, 1, 5))
    assert case.title in login(w["city"]).get("/cases/").content.decode()
    assert case.title in login(w["city"]).get("/cases/?overdue=1").content.decode()
    assert case.title not in login(w["other_city"]).get("/cases/").content.decode()
    assert case.title in login(w["member"]).get("/cases/queue/").content.decode()
    assert case.title in login(w["member"]).get("/cases/overdue/").content.decode()
    assert case.title not in login(w["member_other"]).get("/cases/queue/").content.decode()
    assert case.title not in login(w["member_other"]).get("/cases/overdue/").content.decode()
    assert case.title in login(w["talent"]).get("/cases/mine/").content.decode()
    assert case.title not in login(w["employer"]).get("/cases/mine/").content.decode()
    own = raise_case(w, user=w["employer"], talent=w["colleague"], title="员工配偶就业")
    assert login(w["employer"]).get(f"/cases/{own.pk}/").status_code == 200
    assert own.title in login(w["employer"]).get("/cases/mine/").content.decode()
    assert login(w["talent"]).get(f"/cases/{own.pk}/").status_code == 404  # a colleague's
    assert case.title not in login(w["talent2"]).get("/cases/mine/").content.decode()
    assert login(w["member"]).get("/cases/").status_code == 403
    # The person page's section.
    section = f"/cases/person/{w['mine'].pk}/"
    assert case.title in login(w["city"]).get(section).content.decode()
    assert login(w["other_city"]).get(section).status_code == 404
    # A co-handling unit reaches the case once added, and only then.
    assert login(w["member_other"]).get(url).status_code == 404
    svc.case_add_cohandler(user=w["city"], case=case, unit=w["daqing_rsj"])
    assert login(w["member_other"]).get(url).status_code == 200
    assert case.title in login(w["member_other"]).get("/cases/queue/").content.decode()
    # Another region's office cannot act through a forged post either.
    resp = login(w["other_city"]).post(f"/cases/{case.pk}/act/supervise/", {"text": "x"})
    assert resp.status_code == 404


@pytest.mark.django_db
def test_the_requester_sees_no_internal_notes_or_officer_names(world, login):
    w = build(world)
    case = svc.case_assign(user=w["city"], case=raise_case(w))
    svc.case_note(user=w["member"], case=case, text="内部：学位紧张，需协调。", internal=True)
    svc.case_supervise(user=w["city"], case=case, text="请加快")
    page = login(w["talent"]).get(f"/cases/{case.pk}/").content.decode()
    assert "学位紧张" not in page and "请加快" not in page and "督办" not in page
    staff = login(w["member"]).get(f"/cases/{case.pk}/").content.decode()
    assert "学位紧张" in staff and "请加快" in staff


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_loop_through_the_pages(world, login):
    w = build(world)
    talent = login(w["talent"])
    assert talent.get("/cases/new/").status_code == 200
    resp = talent.post("/cases/new/", {"case_type": w["school"].pk, "title": "孩子转学",
                                       "content": "希望转入实验小学。"})
    case = Case.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/cases/{case.pk}/"
    office = login(w["city"])
    assert "孩子转学" in office.get("/cases/?status=raised").content.decode()
    office.post(f"/cases/{case.pk}/act/assign/", {"unit": w["daqing_kjj"].pk})
    unit = login(w["member"])
    unit.post(f"/cases/{case.pk}/act/claim/")
    unit.post(f"/cases/{case.pk}/act/note/", {"text": "已联系学校。"})
    resp = unit.post(f"/cases/{case.pk}/act/answer/", {"text": ""})
    assert resp.status_code == 422  # an empty answer is refused, nothing lost
    unit.post(f"/cases/{case.pk}/act/answer/", {"text": "已安排学位。"})
    resp = talent.post(f"/cases/{case.pk}/act/confirm/", {"comment": "谢谢"})
    assert resp.status_code == 422 and "请选择满意度" in resp.content.decode()
    talent.post(f"/cases/{case.pk}/act/confirm/", {"satisfaction": "5", "comment": "谢谢"})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.satisfaction == 5
    resp = talent.post(f"/cases/{case.pk}/act/answer/", {"text": "x"})
    assert resp.status_code == 403
    assert "★★★★★" in talent.get(f"/cases/{case.pk}/").content.decode()


@pytest.mark.django_db
def test_a_staff_member_finds_the_talent_and_raises_for_them(world, login):
    w = build(world)
    client = login(w["leader"])
    page = client.get("/cases/new/?q=张明").content.decode()
    assert "张明华" in page and "赵六" not in page
    resp = client.post(f"/cases/new/?talent={w['mine'].pk}", {
        "talent": w["mine"].pk, "case_type": w["housing"].pk, "title": "人才公寓",
        "content": "申请人才公寓。"})
    assert resp.status_code == 302
    assert Case.objects.get().requester_kind == "leader"
    assert login(w["leader"]).get(f"/cases/new/?talent={w['far'].pk}").status_code == 404


@pytest.mark.django_db
def test_a_case_from_a_source_is_prefilled_and_reports_back(world, login):
    from wutong.core import links
    from wutong.core.links import SourceInfo

    w = build(world)
    outcomes = []
    links.register_source("test.problem", describe=lambda user, pk: SourceInfo(
        title="学位问题", text="座谈时反映孩子入学难。", talent_id=w["mine"].pk),
        outcome=lambda pk, **kw: outcomes.append((pk, kw["status"], kw["closed"])))
    try:
        client = login(w["city"])
        page = client.get("/cases/new/?source=test.problem:7").content.decode()
        assert "座谈时反映孩子入学难" in page
        client.post("/cases/new/?source=test.problem:7", {
            "talent": w["mine"].pk, "case_type": w["school"].pk, "title": "学位问题",
            "content": "座谈时反映孩子入学难。", "source": "test.problem:7"})
        case = Case.objects.get()
        assert case.source_key == "test.problem:7"
        with pytest.raises(Conflict):  # one case per source
            svc.case_raise(user=w["city"], talent=w["mine"], case_type=w["school"],
                           title="x", content="y", source_key="test.problem:7")
        case = svc.case_assign(user=w["city"], case=case)
        svc.case_answer(user=w["member"], case=case, text="已解决")
        svc.case_confirm(user=w["talent"], case=case, satisfaction=5)
        assert [o[1:] for o in outcomes] == [
            ("已提交，待受理", False), ("已交办，待办理", False), ("已答复，待确认", False),
            ("已办结", True)]
    finally:
        links._SOURCES.pop("test.problem", None)


@pytest.mark.django_db
def test_the_office_edits_the_catalogue(world, login):
    w = build(world)
    client = login(w["city"])
    assert "子女入学/转学" in client.get("/cases/types/").content.decode()
    resp = client.post(f"/cases/types/{w['school'].pk}/", {
        "name": "子女入学/转学", "unit": w["daqing_rsj"].pk, "deadline_days": 7,
        "warn_days": 7, "sort_order": 0, "is_active": "on"})
    assert resp.status_code == 422 and "预警天数须少于办理时限" in resp.content.decode()
    client.post(f"/cases/types/{w['school'].pk}/", {
        "name": "子女入学/转学", "unit": w["daqing_rsj"].pk, "deadline_days": 7,
        "warn_days": 2, "sort_order": 0, "is_active": "on"})
    w["school"].refresh_from_db()
    assert w["school"].deadline_days == 7 and w["school"].unit == w["daqing_rsj"]
    assert login(w["other_city"]).get(f"/cases/types/{w['school'].pk}/").status_code == 404
    assert login(w["member"]).get("/cases/types/").status_code == 403


@pytest.mark.django_db
def test_export_is_masked_and_scoped(world):
    from wutong.core.exports import exporter_rows, get_exporter

    w = build(world)
    raise_case(w)
    exporter = get_exporter("cases")
    rows = list(exporter_rows(exporter, exporter.rows(w["city"], {})))
    assert len(rows) == 1 and "张**" in rows[0] and "张明华" not in rows[0]
    assert list(exporter.rows(w["other_city"], {})) == []
    assert list(exporter.rows(w["member"], {})) == []  # no export permission


@pytest.mark.django_db
def test_an_employer_raises_for_one_of_its_people_on_the_page(world, login):
    w = build(world)
    client = login(w["employer"])
    page = client.get("/cases/new/").content.decode()
    assert "李四" in page and "张明华" in page and "王五" not in page
    resp = client.post("/cases/new/", {"talent": w["stranger"].pk, "case_type": w["school"].pk,
                                       "title": "x", "content": "y"})
    assert resp.status_code == 422 and not Case.objects.exists()  # not its people
    client.post("/cases/new/", {"talent": w["colleague"].pk, "case_type": w["school"].pk,
                                "title": "配偶就业", "content": "爱人随迁。"})
    case = Case.objects.get()
    assert case.employer == w["employer_org"] and case.requester == w["employer"]
    assert "配偶就业" in client.get("/cases/mine/").content.decode()


@pytest.mark.django_db
def test_the_sweep_task_and_the_person_section_are_registered(world):
    from wutong.cases.tasks import cases_sweep_task
    from wutong.talents.timeline import sections_for

    w = build(world)
    case = svc.case_assign(user=w["city"], case=raise_case(w))
    Case.objects.filter(pk=case.pk).update(due_on=D(2025, 1, 6))
    cases_sweep_task.call()
    assert Case.objects.get(pk=case.pk).escalation_level == 4
    assert any(s["key"] == "cases.cases" for s in sections_for(w["city"], w["mine"]))


@pytest.mark.django_db
def test_overdue_figures_per_unit_and_list_queries_do_not_grow_with_rows(
        world, login, django_assert_max_num_queries):
    w = build(world)
    for i in range(3):
        svc.case_assign(user=w["city"], case=raise_case(w, title=f"诉求{i}"))
    Case.objects.update(due_on=D(2026, 1, 5))
    frag = login(w["city"]).get("/cases/overdue/units/").content.decode()
    assert "科学技术局" in frag and ">3<" in frag
    assert "科学技术局" not in login(w["other_city"]).get("/cases/overdue/units/") \
        .content.decode()
    assert login(w["member"]).get("/cases/overdue/units/").status_code == 403
    figures = login(w["city"]).get("/cases/summary/").content.decode()
    assert "超期 <strong>3</strong>" in figures and "在办 <strong>3</strong>" in figures
    assert "在办 <strong>0</strong>" in login(w["other_city"]).get("/cases/summary/") \
        .content.decode()
    client = login(w["city"])
    client.get("/cases/")
    with django_assert_max_num_queries(30) as few:
        client.get("/cases/")
    for i in range(12):
        raise_case(w, title=f"更多{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/cases/")
