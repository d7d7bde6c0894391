"""Delivering the outbox (`flask notify-worker`): outside any request, so a
robot that is down never slows or fails one.

Each round claims a batch of due messages and sends them while holding them:
on PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED`, so workers on several app
servers never take the same message; on SQLite a file lock beside the
database lets one worker at a time run a round. A message that fails is
retried with exponential backoff (NOTIFY_RETRY_SECONDS × 2^(attempt-1), at
most an hour) and after NOTIFY_MAX_ATTEMPTS attempts marked failed, which
admin sees on the failed-deliveries page."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
from collections.abc import Iterator

import sqlalchemy as sa
from flask import current_app

from app.db import db, utcnow
from app.models import NotifyChannel, OutboxMessage, OutboxStatus
from app.notify.robots import DeliveryError, deliver, setting

BATCH = 50
MAX_BACKOFF_SECONDS = 3600


def max_attempts() -> int:
    return int(setting("NOTIFY_MAX_ATTEMPTS", 6))


def backoff(attempts: int) -> dt.timedelta:
    base = float(setting("NOTIFY_RETRY_SECONDS", 60))
    return dt.timedelta(seconds=min(MAX_BACKOFF_SECONDS, base * 2 ** max(0, attempts - 1)))


@contextlib.contextmanager
def _sqlite_lock() -> Iterator[bool]:
    """One worker round at a time on SQLite: an exclusive file lock (yields
    False when another worker holds it)."""
    path = os.path.join(current_app.instance_path, "notify-worker.lock")
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _claim(limit: int) -> list[OutboxMessage]:
    statement = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= utcnow())
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True, of=OutboxMessage)
    return list(db.session.scalars(statement))


def _send(message: OutboxMessage) -> bool:
    channel = db.session.get(NotifyChannel, message.channel_id)
    message.attempts += 1
    try:
        if channel is None or not channel.active:
            raise DeliveryError("渠道已停用")
        deliver(channel, message.payload)
    except DeliveryError as exc:
        message.last_error = str(exc)[:500]
        if message.attempts >= max_attempts():
            message.status = OutboxStatus.FAILED
        else:
            message.next_attempt_at = utcnow() + backoff(message.attempts)
        return False
    message.status = OutboxStatus.SENT
    message.sent_at = utcnow()
    message.last_error = None
    return True


def run_once(limit: int = BATCH) -> tuple[int, int]:
    """One round: (sent, failed attempts). Commits its own transaction."""
    if db.engine.dialect.name == "postgresql":
        return _round(limit)
    with _sqlite_lock() as held:
        if not held:
            return 0, 0
        return _round(limit)


def _round(limit: int) -> tuple[int, int]:
    sent = failed = 0
    try:
        for message in _claim(limit):
            if _send(message):
                sent += 1
            else:
                failed += 1
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return sent, failed


def retry(message: OutboxMessage) -> None:
    """Admin puts a failed message back in the queue (a fresh set of attempts)."""
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()
