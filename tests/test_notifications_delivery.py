"""Delivering the outbox (`app/notify/worker.py`): a local HTTP server
stands in for each robot — the payload of 企业微信, 钉钉 (signature
verified) and the JSON webhook checked as received; retries with backoff on
a 500; given up after the configured attempts and shown to admin; two
workers running at once never send one message twice."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from app import clock
from app.db import db
from app.models import ChannelKind, NotifyChannel, OutboxMessage, OutboxStatus, Role
from app.notify import worker
from app.notify.emitter import queue
from tests import factories


class Receiver:
    """A robot on 127.0.0.1: records each request; answers with the next
    status of `statuses` (the last one repeats), after `delay` seconds."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.statuses = [200]
        self.delay = 0.0
        self.answer: dict | None = None  # the body of a 200 (default: errcode 0)
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                time.sleep(receiver.delay)
                with receiver.lock:
                    receiver.requests.append({"path": self.path, "body": json.loads(body), "at": time.time()})
                    status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                ok = receiver.answer or {"errcode": 0, "errmsg": "ok"}
                answer = json.dumps(ok if status == 200 else {"error": "down"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robot() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def configured(app, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_BASE_URL", "http://crm.example")
    monkeypatch.setitem(app.config, "NOTIFY_MAX_ATTEMPTS", 3)
    monkeypatch.setitem(app.config, "NOTIFY_RETRY_SECONDS", 60)


@pytest.fixture
def later():
    """later(seconds): move the one clock forward (restored after the test)."""
    before = clock.utcnow()

    def _move(seconds: float) -> None:
        clock.set_to(clock.utcnow() + dt.timedelta(seconds=seconds))

    yield _move
    clock.set_to(before)


def _channel(kind: ChannelKind, target: str, secret: str | None = None) -> NotifyChannel:
    dept = factories.department()
    channel = NotifyChannel(kind=kind, name=f"{kind.value} 群", department_id=dept.id, target=target, secret=secret)
    db.session.add(channel)
    db.session.flush()
    return channel


def _message(channel: NotifyChannel, text: str = "万象城项目的问题已交办，时限 2026-12-20") -> OutboxMessage:
    queue(channel, "problem_assigned", text, "/problems/7")
    db.session.commit()
    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()


def test_wecom_robot_gets_a_text_message_with_the_link(configured, robot):
    channel = _channel(ChannelKind.WECOM, robot.url + "/cgi-bin/webhook/send?key=abc")
    message = _message(channel)
    assert worker.run_once() == (1, 0)
    (request,) = robot.requests
    assert request["path"] == "/cgi-bin/webhook/send?key=abc"
    assert request["body"] == {
        "msgtype": "text",
        "text": {"content": "【问题交办】万象城项目的问题已交办，时限 2026-12-20\nhttp://crm.example/problems/7"},
    }
    db.session.refresh(message)
    assert message.status is OutboxStatus.SENT and message.attempts == 1 and message.sent_at is not None


def test_dingtalk_robot_request_is_signed_with_its_secret(configured, robot):
    secret = "SEC0123456789abcdef"
    channel = _channel(ChannelKind.DINGTALK, robot.url + "/robot/send?access_token=tok", secret)
    _message(channel)
    before = int(time.time() * 1000)
    assert worker.run_once() == (1, 0)
    (request,) = robot.requests
    query = parse_qs(urlsplit(request["path"]).query)
    assert query["access_token"] == ["tok"]
    stamp = int(query["timestamp"][0])
    assert before - 1000 <= stamp <= int(time.time() * 1000)
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected]  # parse_qs undoes the URL-encoding the robot expects
    assert request["body"]["msgtype"] == "text" and "万象城项目" in request["body"]["text"]["content"]


def test_generic_webhook_gets_plain_json(configured, robot):
    channel = _channel(ChannelKind.WEBHOOK, robot.url + "/hook")
    _message(channel)
    assert worker.run_once() == (1, 0)
    assert robot.requests[0]["body"] == {
        "title": "问题交办",
        "text": "万象城项目的问题已交办，时限 2026-12-20",
        "url": "http://crm.example/problems/7",
        "kind": "problem_assigned",
    }


def test_email_goes_through_smtp(configured, app, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            sent.append(("send", message["To"], message["Subject"], message.get_content()))

    import app.notify.robots as robots

    monkeypatch.setattr(robots.smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "NOTIFY_SMTP_HOST", "127.0.0.1")
    user = factories.user(Role.STAFF)
    channel = NotifyChannel(kind=ChannelKind.EMAIL, name="邮箱", user_id=user.id, target="sun@example.cn")
    db.session.add(channel)
    db.session.flush()
    _message(channel)
    assert worker.run_once() == (1, 0)
    assert sent[0] == ("connect", "127.0.0.1", 25)
    assert sent[1][1] == "sun@example.cn" and "问题交办" in sent[1][2]
    assert "http://crm.example/problems/7" in sent[1][3]


def test_a_robot_answering_500_is_retried_with_backoff(configured, robot, later):
    robot.statuses = [500, 200]
    channel = _channel(ChannelKind.WECOM, robot.url + "/send")
    message = _message(channel)
    assert worker.run_once() == (0, 1)
    db.session.refresh(message)
    assert message.status is OutboxStatus.PENDING and message.attempts == 1 and message.last_error == "HTTP 500"
    assert worker.run_once() == (0, 0)  # not before its backoff
    later(61)
    assert worker.run_once() == (1, 0)
    db.session.refresh(message)
    assert message.status is OutboxStatus.SENT and message.attempts == 2 and len(robot.requests) == 2


def test_a_robot_that_stays_down_is_given_up_and_shown_to_admin(configured, robot, later, client, login_as):
    robot.statuses = [500]
    channel = _channel(ChannelKind.WECOM, robot.url + "/send")
    message = _message(channel)
    for wait in (0, 61, 121):  # 60 s, then 120 s of backoff
        later(wait)
        worker.run_once()
    db.session.refresh(message)
    assert message.status is OutboxStatus.FAILED and message.attempts == 3 and len(robot.requests) == 3
    later(10_000)
    assert worker.run_once() == (0, 0)  # given up: never tried again
    login_as("admin")
    page = client.get("/notifications/admin/failed").get_data(as_text=True)
    assert "HTTP 500" in page and "wecom 群" in page and "万象城项目的问题已交办" in page


def test_a_robot_answering_an_error_code_is_a_failure(configured, robot):
    """企业微信 answers 200 with {"errcode": 93000} for a wrong key: not sent."""
    robot.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    message = _message(_channel(ChannelKind.WECOM, robot.url + "/send"))
    assert worker.run_once() == (0, 1)
    db.session.refresh(message)
    assert message.status is OutboxStatus.PENDING and message.last_error.startswith("errcode 93000")


def test_two_workers_never_send_one_message_twice(configured, robot, app):
    robot.delay = 0.05
    channel = _channel(ChannelKind.WECOM, robot.url + "/send")
    for n in range(12):
        queue(channel, "problem_assigned", f"消息{n}", None)
    db.session.commit()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with app.app_context():
                for _ in range(3):
                    worker.run_once(limit=4)
                db.session.remove()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    for _ in range(6):  # whatever one worker skipped while the other held the lock
        worker.run_once()
    texts = [r["body"]["text"]["content"] for r in robot.requests]
    assert sorted(texts) == sorted(f"【问题交办】消息{n}" for n in range(12))
    assert db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.status == OutboxStatus.SENT)) == 12


def test_the_worker_command_sends_one_round(configured, robot, app):
    from app.notify.cli import notify_worker

    _message(_channel(ChannelKind.WEBHOOK, robot.url + "/hook"))
    result = app.test_cli_runner().invoke(notify_worker, ["--once", "--scan-hour", "-1"])
    assert result.exit_code == 0, result.output
    assert "已发送 1 条" in result.output and len(robot.requests) == 1
