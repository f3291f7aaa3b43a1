"""The service-case API: a talent raises a case from a phone app and follows it, the office
and the unit see it in their lists, nobody else does; the talent confirms and rates it; bad
input gets a Chinese message and changes nothing."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.cases_helpers import build
from wutong.accounts import services as account_services
from wutong.cases import services as svc
from wutong.cases.models import Case, CaseStatus

pytestmark = pytest.mark.django_db


def _bearer(user) -> dict:
    _token, key = account_services.api_token_create(user=user, name="小程序")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _post(url, payload, user):
    return Client().post(url, json.dumps(payload), content_type="application/json",
                         **_bearer(user))


def test_a_talent_raises_follows_and_rates_a_case(world):
    w = build(world)
    payload = {"talent_id": w["mine"].pk, "case_type_id": w["school"].pk,
               "title": "孩子转学", "content": "孩子四年级，希望转入实验小学。"}
    response = _post("/api/cases/", payload, w["talent"])
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert body["status_label"] == "已提交，待受理" and body["due_on"] == case.due_on.isoformat()
    assert [s["kind_label"] for s in body["steps"]] == ["提出诉求"]

    # The office and the answering unit see it; the talent's own list has it; others don't.
    office = Client().get("/api/cases/", {"status": "raised"}, **_bearer(w["district"])).json()
    assert [c["id"] for c in office["items"]] == [case.pk]
    assert Client().get("/api/cases/", **_bearer(w["other_city"])).json()["items"] == []
    assert Client().get(f"/api/cases/{case.pk}", **_bearer(w["other_city"])).status_code == 404
    assert Client().get(f"/api/cases/{case.pk}", **_bearer(w["talent2"])).status_code == 404

    svc.case_assign(user=w["district"], case=case, unit=w["daqing_kjj"], note="请落实")
    svc.case_claim(user=w["member"], case=case)
    svc.case_note(user=w["member"], case=case, text="内部：已电话联系校长", internal=True)
    svc.case_answer(user=w["member"], case=case, text="已落实实验小学学位。")
    queue = Client().get("/api/cases/", **_bearer(w["member"])).json()
    assert [c["unit"] for c in queue["items"]] == ["大庆市科学技术局"]

    mine = Client().get(f"/api/cases/{case.pk}", **_bearer(w["talent"])).json()
    assert mine["answer"] == "已落实实验小学学位。"
    assert "内部：已电话联系校长" not in json.dumps(mine, ensure_ascii=False)  # staff only
    staff = Client().get(f"/api/cases/{case.pk}", **_bearer(w["district"])).json()
    assert "内部：已电话联系校长" in json.dumps(staff, ensure_ascii=False)

    bad = _post(f"/api/cases/{case.pk}/confirm", {"satisfaction": 9}, w["talent"])
    assert bad.status_code == 422 and "满意度" in json.dumps(bad.json(), ensure_ascii=False)
    case.refresh_from_db()
    assert case.status == CaseStatus.ANSWERED  # nothing changed
    done = _post(f"/api/cases/{case.pk}/confirm", {"satisfaction": 5, "comment": "很快"},
                 w["talent"])
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "closed" and done.json()["satisfaction"] == 5


def test_raising_for_someone_out_of_scope_or_empty_is_refused(world):
    w = build(world)
    payload = {"talent_id": w["far"].pk, "case_type_id": w["school"].pk,
               "title": "x", "content": "y"}
    assert _post("/api/cases/", payload, w["district"]).status_code == 404  # 辽阳's talent
    payload["talent_id"] = w["colleague"].pk  # the talent may raise only for themself
    response = _post("/api/cases/", payload, w["talent"])
    assert response.status_code in (403, 404)
    payload = {"talent_id": w["mine"].pk, "case_type_id": w["school"].pk,
               "title": " ", "content": "y"}
    response = _post("/api/cases/", payload, w["talent"])
    assert response.status_code == 422
    assert "诉求标题" in json.dumps(response.json(), ensure_ascii=False)
    assert not Case.objects.exists()
