"""Sessions per device and tokens (issue 17): a plain sign-out ends this
device only; 退出所有设备 ends every session and API token; a password
change, an admin's reset and a deactivation revoke the user's API tokens
too; the account page lists the devices signed in."""

from __future__ import annotations

from app.db import db
from app.models import Role
from tests import factories
from tests.conftest import PASSWORD
from tests.factories_api import bearer


def _device(app, user, agent: str):
    client = app.test_client()
    response = client.post(
        "/auth/login", data={"username": user.username, "password": PASSWORD}, headers={"User-Agent": agent}
    )
    assert response.status_code == 302
    return client


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


def _token_works(client, headers) -> bool:
    return client.get("/api/v1/leads", headers=headers).status_code == 200


def test_a_plain_sign_out_ends_this_device_only(app, client):
    user = factories.user(Role.STAFF, password=PASSWORD)
    db.session.commit()
    office, phone = _device(app, user, "Office PC"), _device(app, user, "Phone")
    stolen = office.get_cookie("session").value
    office.post("/auth/logout")
    assert not _signed_in(office) and _signed_in(phone)
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert not _signed_in(replay)  # the signed-out device's cookie is dead


def test_sign_out_everywhere_ends_every_device_and_token(app, client):
    user = factories.user(Role.STAFF, password=PASSWORD)
    db.session.commit()
    office, phone = _device(app, user, "Office PC"), _device(app, user, "Phone")
    headers = bearer(user)
    assert _token_works(client, headers)
    page = phone.get("/auth/password").get_data(as_text=True)
    assert "Office PC" in page and "Phone" in page and "本设备" in page and "退出所有设备" in page
    phone.post("/auth/logout-all")
    assert not _signed_in(office) and not _signed_in(phone)
    assert not _token_works(client, headers)


def test_a_password_change_revokes_the_api_tokens(app, client):
    user = factories.user(Role.STAFF, password=PASSWORD)
    db.session.commit()
    headers = bearer(user)
    device = _device(app, user, "Office PC")
    response = device.post(
        "/auth/password",
        data={"current_password": PASSWORD, "new_password": "河南招商-Kf8q2Lx", "confirm": "河南招商-Kf8q2Lx"},
    )
    assert response.status_code == 302
    assert not _token_works(client, headers)


def test_an_admin_reset_or_deactivation_revokes_the_api_tokens(app, client, login_as):
    staff = factories.user(Role.STAFF, password=PASSWORD)
    other = factories.user(Role.STAFF, password=PASSWORD)
    db.session.commit()
    reset_headers, deactivated_headers = bearer(staff), bearer(other)
    login_as("admin")
    client.post(f"/admin/users/{staff.id}/password", data={"password": "河南招商-Kf8q2Lx"})
    client.post(f"/admin/users/{other.id}/active", data={"active": "0"})
    api = app.test_client()
    assert not _token_works(api, reset_headers)
    assert not _token_works(api, deactivated_headers)


def test_the_account_page_shows_the_tokens_with_their_scope_and_last_use(app, client):
    user = factories.user(Role.STAFF, password=PASSWORD)
    db.session.commit()
    client.post("/api/v1/tokens", json={"username": user.username, "password": PASSWORD, "name": "手机同步"})
    device = _device(app, user, "Office PC")
    page = device.get("/auth/password").get_data(as_text=True)
    assert "手机同步" in page and "只读" in page and "从未使用" in page
