"""Sign-in limits that cannot be turned against others (issue 17): an
attacker hammering one account does not keep its owner out (from an address
the owner used before: not at all; from a new one: beyond a growing delay);
200 people behind one address sign in while one of them mistypes; every
refusal is a 429 with Retry-After saying when; the owner and the admin see
the account was targeted, and the admin can clear it; behind a trusted
reverse proxy the client's own address counts."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app import clock, create_app
from app.auth.passwords import hash_password
from app.db import db
from app.models import LoginAttempt, Role, User
from config import TestingConfig
from tests import factories
from tests.conftest import PASSWORD

ATTACKER, OWNER_HOME, NEW_PLACE, OFFICE_NAT = "203.0.113.7", "10.1.1.1", "10.9.9.9", "192.0.2.1"


def _attempt(client, username: str, password: str, ip: str):
    client.post("/auth/logout")
    return client.post(
        "/auth/login", data={"username": username, "password": password}, environ_base={"REMOTE_ADDR": ip}
    )


def _hammer(client, username: str, times: int, first: int = 10) -> None:
    """A distributed guesser: four tries from each of many addresses."""
    for n in range(times):
        _attempt(client, username, f"guess-{n}-wrong", f"203.0.113.{n // 4 + first}")


def test_an_attacker_cannot_keep_the_owner_out(app, client):
    owner = factories.user(Role.STAFF, password=PASSWORD)
    db.session.commit()
    assert _attempt(client, owner.username, PASSWORD, OWNER_HOME).status_code == 302  # a known address
    attacker = app.test_client()  # another browser: no known-device cookie
    _hammer(attacker, owner.username, 30)
    for _ in range(5):
        _attempt(attacker, owner.username, "still-wrong-1", ATTACKER)
    assert _attempt(attacker, owner.username, "still-wrong-1", ATTACKER).status_code == 429  # the attacker waits
    home = app.test_client()  # the owner's address, a browser without the cookie
    assert _attempt(home, owner.username, PASSWORD, OWNER_HOME).status_code == 302  # the owner does not
    elsewhere = app.test_client()
    refused = _attempt(elsewhere, owner.username, PASSWORD, NEW_PLACE)  # a new address waits the delay …
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 900
    assert "之后" in refused.get_data(as_text=True)
    before = clock.utcnow()
    clock.set_to(before + dt.timedelta(seconds=int(refused.headers["Retry-After"]) + 1))
    try:  # … and no longer
        assert _attempt(elsewhere, owner.username, PASSWORD, NEW_PLACE).status_code == 302
    finally:
        clock.set_to(before)
    # The owner's own browser (it signed in before) is never kept out.
    assert _attempt(client, owner.username, PASSWORD, NEW_PLACE).status_code == 302


def test_a_colleague_behind_the_same_nat_cannot_lock_the_owner_out(app, client):
    owner = factories.user(Role.STAFF, password=PASSWORD)
    db.session.commit()
    assert _attempt(client, owner.username, PASSWORD, OFFICE_NAT).status_code == 302
    prankster = app.test_client()
    for n in range(8):
        _attempt(prankster, owner.username, f"prank-{n}-wrong", OFFICE_NAT)
    assert _attempt(prankster, owner.username, PASSWORD, OFFICE_NAT).status_code == 429
    assert _attempt(client, owner.username, PASSWORD, OFFICE_NAT).status_code == 302  # the owner's own browser


def test_two_hundred_people_behind_one_address_sign_in_while_one_mistypes(client):
    password_hash = hash_password(PASSWORD)
    department = factories.department("东城街道")
    people = [
        User(
            username=f"nat{n:03d}",
            name=f"同事{n}",
            role=Role.STAFF,
            department_id=department.id,
            password_hash=password_hash,
        )
        for n in range(200)
    ]
    db.session.add_all(people)
    db.session.commit()
    clumsy = people[0]
    for n in range(40):  # more than the old per-address limit of 30
        _attempt(client, clumsy.username, f"typo-{n}-wrong", OFFICE_NAT)
    signed = sum(_attempt(client, person.username, PASSWORD, OFFICE_NAT).status_code == 302 for person in people[1:])
    assert signed == 199
    assert _attempt(client, clumsy.username, PASSWORD, OFFICE_NAT).status_code == 429  # only the mistyper waits


def test_the_owner_and_the_admin_see_the_account_was_targeted(app, client, login_as):
    owner = factories.user(Role.STAFF, password=PASSWORD)
    db.session.commit()
    assert _attempt(client, owner.username, PASSWORD, OWNER_HOME).status_code == 302
    attacker = app.test_client()
    _hammer(attacker, owner.username, 3)
    page = _attempt(client, owner.username, PASSWORD, OWNER_HOME)
    assert "有 3 次失败的登录尝试（来自 1 个地址）" in client.get(page.headers["Location"]).get_data(as_text=True)
    _hammer(attacker, owner.username, 6, first=100)
    client.post("/auth/logout")
    login_as("admin")
    edit = client.get(f"/admin/users/{owner.id}").get_data(as_text=True)
    assert "6 次失败的登录尝试（来自 2 个地址）" in edit and "清除登录限制" in edit
    client.post(f"/admin/users/{owner.id}/unlock")
    failed = sa.select(sa.func.count(LoginAttempt.id)).where(
        LoginAttempt.username == owner.username, LoginAttempt.success.is_(False)
    )
    assert db.session.scalar(failed) == 0


def test_behind_a_trusted_proxy_the_clients_address_counts(app):
    class Proxied(TestingConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        UPLOAD_DIR = app.config["UPLOAD_DIR"]
        TRUSTED_PROXIES = 1
        WTF_CSRF_ENABLED = False

    class Direct(Proxied):
        TRUSTED_PROXIES = 0

    for config, recorded in ((Proxied, "198.51.100.23"), (Direct, "127.0.0.1")):
        other = create_app(config)
        with other.test_client() as client:
            client.post(
                "/auth/login",
                data={"username": "nobody", "password": "wrong-wrong-1"},
                headers={"X-Forwarded-For": "198.51.100.23"},
            )
        last = db.session.scalar(sa.select(LoginAttempt.ip).order_by(LoginAttempt.id.desc()).limit(1))
        assert last == recorded, config.__name__
