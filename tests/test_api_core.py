"""The JSON API backbone: token life cycle, error format, admin-only writes,
and an OpenAPI document generated from the validating schemas."""

from __future__ import annotations

import sqlalchemy as sa

from app.db import db
from app.models import ApiToken, AuditLog, Department, User
from tests import factories
from tests.conftest import PASSWORD


def _token(client, user, scope: str = "write") -> str:
    body = {"username": user.username, "password": PASSWORD, "scope": scope}
    response = client.post("/api/v1/tokens", json=body)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["expires_at"].endswith("Z")
    return body["token"]


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_token_life_cycle(client):
    user = factories.user("staff")
    db.session.commit()
    token = _token(client, user)
    stored = db.session.scalar(sa.select(ApiToken.token_hash))
    assert stored != token and len(stored) == 64  # only the hash is kept
    assert client.get("/api/v1/departments", headers=_auth(token)).status_code == 200
    listed = client.get("/api/v1/tokens", headers=_auth(token)).get_json()
    assert listed["total"] == 1 and listed["items"][0]["revoked"] is False
    assert client.delete("/api/v1/tokens/current", headers=_auth(token)).status_code == 204
    refused = client.get("/api/v1/departments", headers=_auth(token))
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "unauthorized"


def test_admin_can_revoke_anyones_token_and_others_cannot(client):
    staff = factories.user("staff")
    other = factories.user("staff")
    admin = factories.user("admin")
    db.session.commit()
    staff_token = _token(client, staff)
    other_token = _token(client, other)
    admin_token = _token(client, admin)
    staff_token_id = db.session.scalar(sa.select(ApiToken.id).where(ApiToken.user_id == staff.id))
    assert client.delete(f"/api/v1/tokens/{staff_token_id}", headers=_auth(other_token)).status_code == 404
    assert client.delete(f"/api/v1/tokens/{staff_token_id}", headers=_auth(admin_token)).status_code == 204
    assert client.get("/api/v1/users", headers=_auth(staff_token)).status_code == 401


def test_wrong_password_and_rate_limit(client, app):
    user = factories.user("staff")
    db.session.commit()
    bad = client.post("/api/v1/tokens", json={"username": user.username, "password": "nope-nope-1"})
    assert bad.status_code == 401
    assert bad.get_json()["error"]["message"] == "用户名或密码错误。"
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"]):
        client.post("/api/v1/tokens", json={"username": user.username, "password": "nope-nope-1"})
    limited = client.post("/api/v1/tokens", json={"username": user.username, "password": PASSWORD})
    assert limited.status_code == 429
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditLog.action == "login_failed")) >= 5


def test_session_cookie_does_not_authenticate_the_api(client, login_as):
    login_as("admin")
    response = client.get("/api/v1/users")
    assert response.status_code == 401


def test_validation_errors_are_json_with_fields(client):
    admin = factories.user("admin")
    db.session.commit()
    token = _token(client, admin)
    response = client.post("/api/v1/users", json={"username": "x", "role": "king", "extra": 1}, headers=_auth(token))
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert {"username", "role", "password", "name", "extra"} <= set(fields)
    not_json = client.post("/api/v1/users", data="nonsense", headers=_auth(token))
    assert not_json.status_code == 400 and "JSON" in not_json.get_json()["error"]["message"]
    unknown = client.get("/api/v1/departments/999999", headers=_auth(token))
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "not_found"
    huge_page = client.get("/api/v1/users?per_page=500", headers=_auth(token))
    assert huge_page.status_code == 422 and "per_page" in huge_page.get_json()["error"]["fields"]


def test_admin_creates_user_over_the_api_and_staff_cannot(client):
    admin = factories.user("admin")
    staff = factories.user("staff")
    dept = factories.department("白沙镇")
    db.session.commit()
    payload = {
        "username": "api.user",
        "password": "Api-Pass-2026!",
        "name": "接口用户",
        "role": "staff",
        "department_id": dept.id,
        "scope": "department",
    }
    assert client.post("/api/v1/users", json=payload, headers=_auth(_token(client, staff))).status_code == 403
    created = client.post("/api/v1/users", json=payload, headers=_auth(_token(client, admin)))
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["department_id"] == dept.id
    user = db.session.scalar(sa.select(User).where(User.username == "api.user"))
    assert user.name == "接口用户"
    dup = client.post("/api/v1/users", json=payload, headers=_auth(_token(client, admin)))
    assert dup.status_code == 422 and "username" in dup.get_json()["error"]["fields"]
    ghost = client.post(
        "/api/v1/users",
        json={**payload, "username": "ghost", "department_id": 999999},
        headers=_auth(_token(client, admin)),
    )
    assert ghost.status_code == 422


def test_admin_edits_department_over_the_api(client):
    admin = factories.user("admin")
    db.session.commit()
    token = _token(client, admin)
    created = client.post(
        "/api/v1/departments", json={"name": "临港物流园区管委会", "kind": "zone"}, headers=_auth(token)
    )
    assert created.status_code == 201
    dept_id = created.get_json()["id"]
    updated = client.put(
        f"/api/v1/departments/{dept_id}", json={"name": "临港园区管委会", "kind": "zone"}, headers=_auth(token)
    )
    assert updated.status_code == 200
    assert db.session.get(Department, dept_id).name == "临港园区管委会"


def test_openapi_document_is_generated_from_schemas(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    post_users = spec["paths"]["/api/v1/users"]["post"]
    schema_name = post_users["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    user_in = spec["components"]["schemas"][schema_name]
    assert set(user_in["required"]) >= {"username", "password", "name", "role"}
    assert user_in["additionalProperties"] is False
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and "/api/v1/tokens" in docs.get_data(as_text=True)


def test_unknown_api_route_and_method_answer_json(client):
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    wrong = client.patch("/api/v1/tokens")
    assert wrong.status_code == 405 and wrong.get_json()["error"]["code"] == "method_not_allowed"


def test_tokens_are_read_only_by_default_and_expire_in_90_days(client, app):
    import datetime as dt

    from app import clock
    from app.models import ApiToken

    user = factories.user("admin", password=PASSWORD)
    db.session.commit()
    made = client.post("/api/v1/tokens", json={"username": user.username, "password": PASSWORD, "name": "报表机器人"})
    body = made.get_json()
    assert made.status_code == 201 and body["scope"] == "read"
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.name == "报表机器人"))
    assert abs((row.expires_at - clock.utcnow()) - dt.timedelta(days=app.config["API_TOKEN_DAYS"])) < dt.timedelta(
        minutes=1
    )
    headers = _auth(body["token"])
    assert client.get("/api/v1/departments", headers=headers).status_code == 200
    refused = client.post("/api/v1/departments", json={"name": "只读测试部门"}, headers=headers)
    assert refused.status_code == 403 and "只读令牌" in refused.get_json()["error"]["message"]
    listed = client.get("/api/v1/tokens", headers=headers).get_json()["items"]
    mine = next(item for item in listed if item["name"] == "报表机器人")
    assert mine["scope"] == "read" and mine["last_used_at"] is not None  # shown: when it was last used
    assert client.delete("/api/v1/tokens/current", headers=headers).status_code == 204  # it may still revoke itself


def test_a_read_only_token_revokes_only_itself(client):
    admin = factories.user("admin", password=PASSWORD)
    other = factories.user("staff", password=PASSWORD)
    db.session.commit()
    read = client.post("/api/v1/tokens", json={"username": admin.username, "password": PASSWORD}).get_json()["token"]
    _token(client, other)
    from app.models import ApiToken

    victim = db.session.scalar(sa.select(ApiToken.id).where(ApiToken.user_id == other.id))
    assert client.delete(f"/api/v1/tokens/{victim}", headers=_auth(read)).status_code == 403
