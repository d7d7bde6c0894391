"""The select choices the chain forms share: 链长 (leaders), departments,
chains, a chain's segments (indented by depth) and company tiers."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.db import db
from app.lookups import Choice, department_choices, ref_choices, user_choices
from app.models import Chain, ChainSegment, RefKind, Role


def chain_form_choices(form: Any, chain: Chain | None = None) -> None:
    form.chain_leader_id.choices = user_choices(Role.LEADER, blank=_("— 未指定 —"))
    if (
        chain is not None
        and chain.chain_leader_id
        and chain.chain_leader_id not in {c[0] for c in form.chain_leader_id.choices}
    ):
        form.chain_leader_id.choices.append((chain.chain_leader_id, chain.chain_leader.name))
    form.department_id.choices = department_choices(blank=_("— 未指定 —"))


def chain_choices(blank: str | None = None) -> list[Choice]:
    rows = db.session.execute(
        sa.select(Chain.id, Chain.name).where(Chain.archived_at.is_(None)).order_by(Chain.sort_order, Chain.id)
    ).all()
    return ([("", blank)] if blank is not None else []) + [(r.id, r.name) for r in rows]


def segment_choices(chain_ids: list[int] | None = None, blank: str | None = None) -> list[Choice]:
    """Segments as「产业链 · 环节 › 子环节」, each chain's tree in order."""
    stmt = sa.select(ChainSegment.id, ChainSegment.parent_id, ChainSegment.name, ChainSegment.chain_id, Chain.name)
    stmt = stmt.join(Chain, Chain.id == ChainSegment.chain_id).where(Chain.archived_at.is_(None))
    if chain_ids is not None:
        stmt = stmt.where(ChainSegment.chain_id.in_(chain_ids))
    rows = db.session.execute(stmt.order_by(Chain.sort_order, Chain.id, ChainSegment.sort_order, ChainSegment.id)).all()
    names = {r[0]: r[2] for r in rows}
    parents = {r[0]: r[1] for r in rows}
    out: list[Choice] = [("", blank)] if blank is not None else []
    for ident, _parent, name, _chain_id, chain_name in rows:
        path, cursor = [name], parents.get(ident)
        while cursor is not None and cursor in names and len(path) < 10:
            path.insert(0, names[cursor])
            cursor = parents.get(cursor)
        out.append((ident, f"{chain_name} · {' › '.join(path)}"))
    return out


def segment_parent_choices(chain: Chain, exclude: ChainSegment | None = None) -> list[Choice]:
    choices = segment_choices([chain.id], blank=_("— 无（顶层环节）—"))
    return [c for c in choices if exclude is None or c[0] != exclude.id]


def tier_choices(blank: str | None = None, include_id: int | None = None) -> list[Choice]:
    return ref_choices(RefKind.TIER, blank=blank, include_id=include_id)
