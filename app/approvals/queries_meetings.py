"""Reads of the meeting pages (联审联批会): the list with the number of items
each meeting decided, one meeting's decisions, and the items the meeting
form offers.

Everyone reads the meetings, but a decision shows only when the viewer may
see its item (`approval_filter`; archived items and projects for admin
only): the count and the page say nothing about the others."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from app.approvals.rules import open_condition
from app.db import db
from app.models import ApprovalDecision, ApprovalItem, ApprovalMeeting, Project, Role, User
from app.permissions import approval_filter


def visible_items(user: User) -> sa.ColumnElement[bool]:
    """SQL (over ApprovalItem joined to its Project): the items `user` may
    open; archived items and projects for admin only."""
    condition = approval_filter(user)
    if user.role is not Role.ADMIN:
        condition = sa.and_(condition, ApprovalItem.archived_at.is_(None), Project.archived_at.is_(None))
    return condition


def list_statement() -> sa.Select:
    """Meetings, latest first, with their chair."""
    return (
        sa.select(ApprovalMeeting)
        .options(joinedload(ApprovalMeeting.chair))
        .order_by(ApprovalMeeting.held_on.desc(), ApprovalMeeting.id.desc())
    )


def decided_counts(meeting_ids: list[int], user: User) -> dict[int, int]:
    """{meeting id: items decided that `user` may see} (one GROUP BY)."""
    if not meeting_ids:
        return {}
    rows = db.session.execute(
        sa.select(ApprovalDecision.meeting_id, sa.func.count(ApprovalDecision.id))
        .join(ApprovalDecision.item)
        .join(ApprovalItem.project)
        .where(ApprovalDecision.meeting_id.in_(meeting_ids), visible_items(user))
        .group_by(ApprovalDecision.meeting_id)
    )
    counts = dict.fromkeys(meeting_ids, 0)
    for meeting_id, n in rows:
        counts[meeting_id] = n
    return counts


def _items_statement() -> sa.Select:
    return (
        sa.select(ApprovalItem)
        .join(ApprovalItem.project)
        .options(
            contains_eager(ApprovalItem.project),
            joinedload(ApprovalItem.type),
            joinedload(ApprovalItem.department),
        )
    )


def decisions(meeting: ApprovalMeeting, user: User) -> list[ApprovalDecision]:
    """The meeting's decisions on items `user` may see, by project then due
    date (one query)."""
    return list(
        db.session.scalars(
            sa.select(ApprovalDecision)
            .join(ApprovalDecision.item)
            .join(ApprovalItem.project)
            .options(
                contains_eager(ApprovalDecision.item).options(
                    contains_eager(ApprovalItem.project),
                    joinedload(ApprovalItem.type),
                    joinedload(ApprovalItem.department),
                )
            )
            .where(ApprovalDecision.meeting_id == meeting.id, visible_items(user))
            .order_by(Project.name, ApprovalItem.due_on, ApprovalItem.id)
        ).unique()
    )


@dataclass
class Candidate:
    item: ApprovalItem
    decision: str  # what the meeting decided so far ("" for none)


def candidates(meeting: ApprovalMeeting | None, user: User) -> list[Candidate]:
    """What the meeting form lists: the items the meeting already decided,
    then the open items (待申报/已申报) of the projects `user` sees, the
    earliest due first — all within `user`'s view (two queries)."""
    decided = {d.item_id: d.decision for d in decisions(meeting, user)} if meeting is not None else {}
    condition = open_condition()
    if decided:
        condition = sa.or_(condition, ApprovalItem.id.in_(decided))
    items = db.session.scalars(
        _items_statement()
        .where(condition, visible_items(user), ApprovalItem.archived_at.is_(None), Project.archived_at.is_(None))
        .order_by(ApprovalItem.due_on, Project.name, ApprovalItem.id)
    ).unique()
    rows = [Candidate(item, decided.get(item.id, "")) for item in items]
    return sorted(rows, key=lambda row: not row.decision)


def visible_ids(ids: Iterable[int], user: User) -> set[int]:
    """Which of the posted item ids `user` may decide on (one query)."""
    wanted = set(ids)
    if not wanted:
        return set()
    return set(
        db.session.scalars(
            sa.select(ApprovalItem.id)
            .join(ApprovalItem.project)
            .where(ApprovalItem.id.in_(wanted), visible_items(user))
        )
    )
