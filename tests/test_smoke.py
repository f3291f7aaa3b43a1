def test_home_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_home_shows_name_role_region(world, login):
    response = login(world["district"]).get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "李区" in body and "人才办工作人员" in body and "萨尔图区" in body
