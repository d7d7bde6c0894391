"""Nothing lost: business records are archived, not deleted; an admin can
restore them. A record's creator may delete it outright only within a few
minutes of creating it (a typing mistake), and only while nothing hangs on
it. Every step is audited in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app

from app import audit
from app.db import db, utcnow
from app.models import Agreement, Company, Lead, Problem, Project, Role, User, Visit
from app.permissions import (
    can_archive_company,
    can_edit_agreement,
    can_edit_lead,
    can_edit_problem,
    can_edit_project,
    can_edit_visit,
)
from app.refusals import Refusal


class ArchiveError(Refusal):
    """A refused archive, restore or delete; the message is for the user."""


@dataclass(frozen=True)
class Kind:
    model: type
    label: str
    may_edit: Callable[[User, Any], bool]
    title: Callable[[Any], str]
    # Relationships that must be empty before a hard delete.
    blockers: tuple[str, ...] = ()
    # Some records carry consequences a delete would not undo (signing an
    # agreement moved the project to 签约, stored its scan): archive only.
    deletable: bool = True


KINDS: dict[str, Kind] = {
    "lead": Kind(Lead, "线索", can_edit_lead, lambda r: r.title, ("visits", "projects")),
    "company": Kind(Company, "企业", can_archive_company, lambda r: r.name),
    "visit": Kind(Visit, "拜访记录", can_edit_visit, lambda r: f"{r.visited_on} {r.summary[:30]}"),
    "project": Kind(Project, "项目", can_edit_project, lambda r: r.name, ("agreements", "problems", "visits")),
    "agreement": Kind(
        Agreement, "协议", can_edit_agreement, lambda r: f"{r.kind.label} {r.signed_on}", deletable=False
    ),
    "problem": Kind(Problem, "问题", can_edit_problem, lambda r: r.description[:40]),
}


def kind_of(entity: str) -> Kind:
    try:
        return KINDS[entity]
    except KeyError:
        raise ArchiveError("未知的记录类型。") from None


def archive(entity: str, record: Any, actor: User, reason: str | None = None) -> None:
    kind = kind_of(entity)
    if not kind.may_edit(actor, record):
        raise PermissionError
    if record.archived_at is not None:
        raise ArchiveError(f"该{kind.label}已归档。")
    record.archived_at = utcnow()
    audit.record("archive", entity, record.id, summary=f"{kind.title(record)}；{reason or '无说明'}"[:500])


def restore(entity: str, record: Any, actor: User) -> None:
    kind = kind_of(entity)
    if actor.role is not Role.ADMIN:
        raise PermissionError
    if record.archived_at is None:
        raise ArchiveError(f"该{kind.label}未归档。")
    record.archived_at = None
    audit.record("restore", entity, record.id, summary=kind.title(record))


def deletable(entity: str, record: Any, actor: User, now: dt.datetime | None = None) -> bool:
    """May `actor` delete `record` outright (their own, created minutes ago)?"""
    created_by = getattr(record, "created_by_id", None) or getattr(record, "raised_by_id", None)
    if created_by != actor.id:
        return False
    window = dt.timedelta(minutes=current_app.config["HARD_DELETE_MINUTES"])
    return (now or utcnow()) - record.created_at <= window


def hard_delete(entity: str, record: Any, actor: User) -> None:
    kind = kind_of(entity)
    if not kind.deletable:
        raise ArchiveError(f"{kind.label}不能删除（签约已影响项目阶段和统计），请使用“归档”。")
    if not deletable(entity, record, actor):
        raise ArchiveError(
            f"只有创建人可在创建后 {current_app.config['HARD_DELETE_MINUTES']} 分钟内删除；之后请使用“归档”。"
        )
    for relation in kind.blockers:
        if getattr(record, relation):
            raise ArchiveError(f"该{kind.label}已有关联记录，不能删除，请使用“归档”。")
    snapshot = {c.key: audit.plain(getattr(record, c.key)) for c in sa.inspect(kind.model).column_attrs}
    audit.record("delete", entity, record.id, changes=snapshot, summary=kind.title(record))
    db.session.delete(record)


def archived_page_query(entity: str) -> sa.Select:
    kind = kind_of(entity)
    return sa.select(kind.model).where(kind.model.archived_at.is_not(None)).order_by(kind.model.archived_at.desc())
