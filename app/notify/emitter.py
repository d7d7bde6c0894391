"""Writing a notification: `emit(...)` adds the inbox rows and the outbox
messages to the caller's session and flushes — never commits — so they are
written in the transaction of the change that causes them and rolled back
with it.

Who receives it: the people named (`users`), the active staff of the
departments named (`departments`) and the active admins (`admins=True`),
minus the actor, minus whoever may not see the record (the record's own
view rule, `app.permissions.can_view_record`), minus whoever muted a mutable
kind. Robots: each recipient's own channels, and the channels of the
departments named — whose text says no more than the department's own staff
may see (else only that there is a message, and the link)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from app.db import db, utcnow
from app.models import (
    DataScope,
    Department,
    Notification,
    NotifyChannel,
    NotifyPreference,
    OutboxMessage,
    OutboxStatus,
    Role,
    User,
)
from app.notify import kinds
from app.notify.links import path_of, record_ref
from app.permissions.notifications import can_view_record


@dataclass
class Emitted:
    """What one `emit` wrote (for tests and callers that report it)."""

    users: list[int] = field(default_factory=list)
    channels: list[int] = field(default_factory=list)


def _cached(key: tuple[Any, ...], load: Callable[[], Any]) -> Any:
    """`load()` once per key within one transaction: a ledger import that
    adds hundreds of items for the same departments asks for their staff,
    mutes and channels once, not once a row. A new transaction (after a
    commit or a rollback) starts afresh."""
    session = db.session()
    info, transaction = session.info, session.get_transaction()
    if transaction is None:  # none begun yet: nothing to tie a cache to
        return load()
    if info.get("notify_tx") is not transaction:
        info["notify_tx"], info["notify_cache"] = transaction, {}
    cache = info["notify_cache"]
    if key not in cache:
        cache[key] = load()
    return cache[key]


def _department_reader(department_id: int) -> User:
    """A stand-in for the department's staff (department scope), never
    added to the session: what may a robot in that department's group say."""
    return User(id=0, role=Role.STAFF, scope=DataScope.DEPARTMENT, department_id=department_id)


def _candidates(users: Iterable[User | None], departments: Iterable[int | None], admins: bool) -> list[User]:
    found: dict[int, User] = {u.id: u for u in users if u is not None and u.active}
    dept_ids = sorted({d for d in departments if d})
    conditions = []
    if dept_ids:
        conditions.append(sa.and_(User.department_id.in_(dept_ids), User.role == Role.STAFF))
    if admins:
        conditions.append(User.role == Role.ADMIN)
    if conditions:
        statement = sa.select(User).where(User.active.is_(True), sa.or_(*conditions))
        for person in _cached(("people", tuple(dept_ids), admins), lambda: db.session.scalars(statement).all()):
            found.setdefault(person.id, person)
    return list(found.values())


def _muted(user_ids: list[int], kind: str) -> set[int]:
    if not user_ids or not kinds.kind(kind).mutable:
        return set()
    statement = sa.select(NotifyPreference.user_id).where(
        NotifyPreference.kind == kind, NotifyPreference.user_id.in_(user_ids)
    )
    return _cached(("muted", kind, tuple(sorted(user_ids))), lambda: set(db.session.scalars(statement)))


def emit(
    kind: str,
    text: str,
    record: Any = None,
    *,
    users: Iterable[User | None] = (),
    departments: Iterable[int | None] = (),
    admins: bool = False,
    actor: User | None = None,
    dedupe_key: str | None = None,
    robot_text: str | None = None,
    path: str | None = None,
) -> Emitted:
    """Notify of `kind` with `text` about `record` (a model instance, or
    None with an optional `path` to link to, e.g. a list)."""
    kinds.kind(kind)  # an unknown kind is a programming error
    text = text[:500]
    ref = record_ref(record) if record is not None else (None, None)
    path = path_of(ref[0], record) if record is not None else path
    departments = sorted({d for d in departments if d})
    people = [
        person
        for person in _candidates(users, departments, admins)
        if (actor is None or person.id != actor.id) and (record is None or can_view_record(person, record))
    ]
    muted = _muted([p.id for p in people], kind)
    people = [p for p in people if p.id not in muted]
    if dedupe_key and people:
        taken = set(
            db.session.scalars(
                sa.select(Notification.user_id).where(
                    Notification.dedupe_key == dedupe_key, Notification.user_id.in_([p.id for p in people])
                )
            )
        )
        people = [p for p in people if p.id not in taken]
    now = utcnow()
    for person in people:
        db.session.add(
            Notification(
                user_id=person.id,
                kind=kind,
                text=text,
                record_kind=ref[0],
                record_id=ref[1],
                dedupe_key=dedupe_key,
                created_at=now,
            )
        )
    result = Emitted(users=[p.id for p in people])
    result.channels = _queue_robots(kind, text, robot_text, record, path, people, departments, dedupe_key)
    db.session.flush()
    return result


def _queue_robots(
    kind: str,
    text: str,
    robot_text: str | None,
    record: Any,
    path: str | None,
    people: list[User],
    departments: list[int],
    dedupe_key: str | None,
) -> list[int]:
    person_ids = [p.id for p in people]
    if not person_ids and not departments:
        return []
    owners = []
    if person_ids:
        owners.append(NotifyChannel.user_id.in_(person_ids))
    if departments:
        owners.append(NotifyChannel.department_id.in_(departments))
    statement = sa.select(NotifyChannel).where(
        NotifyChannel.active.is_(True), NotifyChannel.events.is_(True), sa.or_(*owners)
    )
    key = ("channels", tuple(sorted(person_ids)), tuple(departments))
    channels = list(_cached(key, lambda: db.session.scalars(statement).all()))
    if dedupe_key and channels:
        sent_before = set(
            db.session.scalars(
                sa.select(OutboxMessage.channel_id).where(
                    OutboxMessage.dedupe_key == dedupe_key, OutboxMessage.channel_id.in_([c.id for c in channels])
                )
            )
        )
        channels = [c for c in channels if c.id not in sent_before]
    queued = []
    for channel in channels:
        body = robot_text or text
        group_blind = channel.department_id is not None and record is not None
        if group_blind and not can_view_record(_department_reader(channel.department_id), record):
            body = kinds.label(kind)  # the group may not see the record: only that there is news
        queue(channel, kind, body, path, dedupe_key=dedupe_key)
        queued.append(channel.id)
    return queued


def queue(channel: NotifyChannel, kind: str, text: str, path: str | None, *, dedupe_key: str | None = None) -> None:
    """One outbox message to `channel` (delivered by the worker)."""
    db.session.add(
        OutboxMessage(
            channel_id=channel.id,
            kind=kind,
            payload={"kind": kind, "title": kinds.label(kind), "text": text, "path": path},
            status=OutboxStatus.PENDING,
            attempts=0,
            next_attempt_at=utcnow(),
            dedupe_key=dedupe_key,
        )
    )


def department_names(ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(ids))
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(Department.id, Department.name).where(Department.id.in_(ids))).all())
