"""The API: token and session auth, scope, one error shape with Chinese messages, docs."""

from __future__ import annotations

from django.test import Client

from wutong.accounts import services


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_token_auth_and_me(world):
    _token, key = services.api_token_create(user=world["district"], name="脚本")
    response = Client().get("/api/accounts/me", **bearer(key))
    assert response.status_code == 200
    assert response.json()["region_code"] == "230602"
    # Only the hash is stored.
    assert key not in str(list(world["district"].api_tokens.values()))


def test_missing_or_bad_token_is_401_in_chinese(db):
    for headers in ({}, bearer("wt_not-a-real-token")):
        response = Client().get("/api/accounts/units", **headers)
        assert response.status_code == 401
        assert response.json()["error"]["message"] == "未登录或令牌无效、已过期。"


def test_revoked_token_stops_working(world):
    token, key = services.api_token_create(user=world["city"], name="临时")
    services.api_token_revoke(user=world["city"], token=token)
    assert Client().get("/api/accounts/me", **bearer(key)).status_code == 401


def test_token_sees_only_scope(world):
    _t, key = services.api_token_create(user=world["district"], name="脚本")
    data = Client().get("/api/accounts/units?limit=100", **bearer(key)).json()
    assert data["count"] == 2
    assert Client().get(f"/api/accounts/units/{world['liaoyang_kjj'].pk}",
                        **bearer(key)).status_code == 404


def test_validation_error_shape(world):
    _t, key = services.api_token_create(user=world["city"], name="脚本")
    response = Client().post("/api/accounts/units", {"kind": "member_unit"},
                             content_type="application/json", **bearer(key))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["message"] == "提交的内容有误，请检查后重试。"
    assert {"field": "name", "message": "必填项未填写。"} in error["details"]
    bad_json = Client().post("/api/accounts/units", "{not json",
                             content_type="application/json", **bearer(key))
    assert bad_json.status_code in (400, 422)
    assert "error" in bad_json.json()


def test_service_error_has_chinese_details(world):
    _t, key = services.api_token_create(user=world["city"], name="脚本")
    response = Client().post("/api/accounts/units", {
        "name": "测试局", "kind": "member_unit", "region_code": "230600",
        "contact_phone": "123"}, content_type="application/json", **bearer(key))
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "contact_phone"
    ok = Client().post("/api/accounts/units", {
        "name": "测试局", "kind": "member_unit", "region_code": "230600"},
        content_type="application/json", **bearer(key))
    assert ok.status_code == 201 and ok.json()["region_code"] == "230600"


def test_session_auth_needs_csrf_for_writes(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["city"])
    assert client.get("/api/accounts/me").status_code == 200
    response = client.post("/api/accounts/units", {"name": "x", "kind": "member_unit",
                                                   "region_code": "230600"},
                           content_type="application/json")
    assert response.status_code in (401, 403)


def test_docs_and_schema_served_locally(world, login):
    client = login(world["city"])
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    body = docs.content.decode()
    assert "cdn" not in body.lower() and "/static/ninja/swagger-ui-bundle" in body
    schema = client.get("/api/openapi.json").json()
    assert "/api/accounts/units" in schema["paths"]


def test_regions_endpoint(world, login):
    data = login(world["city"]).get("/api/regions?parent=230600").json()
    assert {"萨尔图区", "龙凤区", "让胡路区", "红岗区", "大同区", "肇州县", "肇源县", "林甸县",
            "杜尔伯特蒙古族自治县"} <= {r["name"] for r in data}


def test_docs_need_login_and_limits_are_capped(world, login, client):
    assert client.get("/api/docs").status_code == 302
    _t, key = services.api_token_create(user=world["admin"], name="脚本")
    too_many = Client().get("/api/accounts/users?limit=100000", **bearer(key))
    assert too_many.status_code == 422
    assert too_many.json()["error"]["details"] == [{"field": "limit",
                                                    "message": "超出允许的范围。"}]
    assert "超出允许的范围" in too_many.content.decode()  # UTF-8, not \u escapes
    assert len(Client().get("/api/accounts/users?limit=500", **bearer(key)).json()["items"]) <= 500


def test_healthz(db, client):
    assert client.get("/healthz").json() == {"status": "ok"}
