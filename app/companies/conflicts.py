"""首报 and 撞单: the department whose lead first reported a company holds
it; a lead on it by another department opens a conflict for admin, flagged
on that lead and on the holder's leads, until admin rules:

- reassign (改派): one of the two departments follows the company from now
  on — it holds the company and the other one's open leads on it move to it;
- share (共同跟进): both follow it; later leads of that department on the
  company are no conflict;
- split (非同一企业): the two are different companies; the lead moves to a
  new company record that its department holds.

A ruling covers every open conflict of the same company and department and
is recorded on the conflicts (who, when, note) and in the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.util import identity_key

from app import audit
from app.companies.services import CompanyError, create_company
from app.db import db, reserve_ids, utcnow
from app.models import Company, CompanyConflict, ConflictStatus, Department, Lead, LeadStatus, User

OPEN_LEAD_STATUSES = (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.NEGOTIATING)
RULINGS = ("reassign", "share", "split")


def is_shared(company_id: int, department_id: int) -> bool:
    """Admin ruled that `department_id` follows the company together with its holder."""
    return (
        db.session.scalar(
            sa.select(CompanyConflict.id)
            .where(
                CompanyConflict.company_id == company_id,
                CompanyConflict.claimant_department_id == department_id,
                CompanyConflict.status == ConflictStatus.SHARED,
            )
            .limit(1)
        )
        is not None
    )


def sync_lead_conflicts(lead: Lead, actor: User | None, *, new_lead: bool = False) -> CompanyConflict | None:
    """Bring the lead's conflicts in line with its company and department:
    the first lead on an unheld company makes its department the holder (首报);
    a lead by another department opens a conflict (unless shared); an open
    conflict that no longer applies (company or department changed) is
    withdrawn. Returns the lead's open conflict, if any. `new_lead`: the lead
    was just created, so it has no conflicts of its own yet."""
    db.session.flush()
    company = db.session.get(Company, lead.company_id)
    affected = {lead.company_id}
    if company.first_department_id is None and lead.archived_at is None:
        company.first_department_id = lead.owner_department_id
        company.first_reported_on = lead.received_on
        if new_lead:
            # 首报: an unheld company has no conflict to open, withdraw or
            # flag (a conflict needs a holder), so nothing else to do — the
            # fast path of a ledger import, where most rows are new companies.
            return None
    wanted = (
        lead.archived_at is None
        and company.first_department_id is not None
        and company.first_department_id != lead.owner_department_id
        and not is_shared(company.id, lead.owner_department_id)
    )
    kept: CompanyConflict | None = None
    own = (
        []
        if new_lead
        else db.session.scalars(
            sa.select(CompanyConflict).where(
                CompanyConflict.lead_id == lead.id, CompanyConflict.status == ConflictStatus.OPEN
            )
        )
    )
    for conflict in own:
        applies = (
            wanted
            and conflict.company_id == company.id
            and conflict.claimant_department_id == lead.owner_department_id
            and kept is None
        )
        if applies:
            conflict.holder_department_id = company.first_department_id
            kept = conflict
        else:
            affected.add(conflict.company_id)
            audit.record(
                "withdraw",
                "company_conflict",
                conflict.id,
                summary=_("线索变更后不再构成撞单，已撤销"),
                user_id=actor.id if actor else None,
            )
            db.session.delete(conflict)
    if wanted and kept is None:
        kept = _open_conflict(company, lead)
        db.session.flush()
        _audit_detected(kept, company, actor)
        from app.notify import events

        events.conflict_opened(kept, company.name, actor)
    refresh_conflict_flags(affected)
    return kept


def _open_conflict(company: Company, lead: Lead) -> CompanyConflict:
    """A new open 撞单 of `lead`'s department against the company's holder."""
    conflict = CompanyConflict(**_conflict_values(company, lead))
    db.session.add(conflict)
    return conflict


def _conflict_values(company: Company, lead: Any) -> dict[str, Any]:
    return {
        "company_id": company.id,
        "lead_id": lead.id,
        "holder_department_id": company.first_department_id,
        "claimant_department_id": lead.owner_department_id,
        "status": ConflictStatus.OPEN,
    }


def _audit_detected(conflict: CompanyConflict, company: Company, actor: User | None) -> None:
    audit.record_row(_detected_row(conflict.id, conflict.lead_id, company, actor))


def _detected_row(conflict_id: int, lead_id: int, company: Company, actor: User | None) -> dict[str, Any]:
    return audit.row(
        "detect",
        "company_conflict",
        conflict_id,
        changes={"company_id": company.id, "lead_id": lead_id},
        summary=company.name,
        user_id=actor.id if actor else None,
    )


def sync_new_leads_conflicts(leads: Sequence[Any], actor: User | None) -> None:
    """`sync_lead_conflicts(lead, new_lead=True)` for a batch of new, written
    leads on companies already on file (a ledger import), in their order —
    `Lead`s, or the import's `LeadDraft`s, each with its `company` loaded:
    the first lead on an unheld company makes its department the holder, a
    later one by another department opens a conflict unless shared. One
    query for the shared rulings, one INSERT of the conflicts and one of
    their audit rows, one UPDATE of the flags — instead of a few statements
    a lead."""
    if not leads:
        return
    company_ids = sorted({lead.company_id for lead in leads})
    shared: set[tuple[int, int]] = set()
    for start in range(0, len(company_ids), 1000):
        shared.update(
            db.session.execute(
                sa.select(CompanyConflict.company_id, CompanyConflict.claimant_department_id).where(
                    CompanyConflict.company_id.in_(company_ids[start : start + 1000]),
                    CompanyConflict.status == ConflictStatus.SHARED,
                )
            ).all()
        )
    opened: list[dict[str, Any]] = []
    audited: list[tuple[int, Company]] = []  # (lead, company) of each conflict opened
    for lead in leads:
        company = lead.company
        if lead.archived_at is not None:
            continue
        if company.first_department_id is None:
            company.first_department_id = lead.owner_department_id
            company.first_reported_on = lead.received_on
            continue
        if company.first_department_id == lead.owner_department_id or (company.id, lead.owner_department_id) in shared:
            continue
        opened.append(_conflict_values(company, lead))
        audited.append((lead.id, company))
    if opened:
        # The rows `_open_conflict` adds, in one executemany with their keys
        # taken first (app/db.py); the detection time is the column's default.
        for values, key in zip(opened, reserve_ids(CompanyConflict.__table__, len(opened)), strict=True):
            values["id"] = key
        db.session.execute(sa.insert(CompanyConflict.__table__), opened)
        audit.record_many(
            [
                _detected_row(values["id"], lead_id, company, actor)
                for values, (lead_id, company) in zip(opened, audited, strict=True)
            ]
        )
        from app.notify import events

        events.conflicts_opened(len(opened), actor)
    refresh_conflict_flags(company_ids)


def refresh_conflict_flags(company_ids: Iterable[int]) -> None:
    """Recompute `Lead.has_conflict` for the leads on these companies in one
    UPDATE: a lead is flagged while it is the claimant of an open conflict
    or belongs to the holder department of one."""
    ids = sorted({i for i in company_ids if i is not None})
    if not ids:
        return
    db.session.flush()
    lead = Lead.__table__
    conflict = CompanyConflict.__table__
    is_open = conflict.c.status == ConflictStatus.OPEN.value
    claimant = sa.exists().where(conflict.c.lead_id == lead.c.id, is_open)
    holder = sa.exists().where(
        conflict.c.company_id == lead.c.company_id,
        conflict.c.holder_department_id == lead.c.owner_department_id,
        is_open,
    )
    flagged = sa.or_(claimant, holder)
    changed = db.session.scalars(
        sa.update(lead)
        .where(lead.c.company_id.in_(ids), lead.c.has_conflict != flagged)
        .values(has_conflict=flagged)
        .returning(lead.c.id)
    ).all()
    # Expire only the loaded leads whose flag changed: walking the whole
    # identity map for every lead made a 10,000-row import quadratic.
    for lead_id in changed:
        obj = db.session.identity_map.get(identity_key(Lead, lead_id))
        if obj is not None:
            db.session.expire(obj, ["has_conflict"])


def open_conflict_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count(CompanyConflict.id)).where(CompanyConflict.status == ConflictStatus.OPEN)
    )


def _covered(conflict: CompanyConflict) -> list[CompanyConflict]:
    """The open conflicts one ruling covers: same company, same claimant."""
    return list(
        db.session.scalars(
            sa.select(CompanyConflict)
            .where(
                CompanyConflict.company_id == conflict.company_id,
                CompanyConflict.claimant_department_id == conflict.claimant_department_id,
                CompanyConflict.status == ConflictStatus.OPEN,
            )
            .order_by(CompanyConflict.id)
        )
    )


def _check_owner(owner_user_id: int | None, department_id: int) -> int | None:
    if owner_user_id is None:
        return None
    user = db.session.get(User, owner_user_id)
    if user is None or not user.active or user.department_id != department_id:
        raise CompanyError(_("负责人须为所选部门的在岗人员。"), "owner_user_id")
    return user.id


def _move_leads(leads: Iterable[Lead], department_id: int, owner_user_id: int | None, actor: User) -> int:
    moved = 0
    for lead in leads:
        if lead.owner_department_id == department_id:
            continue
        audit.record(
            "reassign",
            "lead",
            lead.id,
            changes={
                "owner_department_id": [lead.owner_department_id, department_id],
                "owner_user_id": [lead.owner_user_id, owner_user_id],
            },
            summary=lead.title,
            user_id=actor.id,
        )
        lead.owner_department_id = department_id
        lead.owner_user_id = owner_user_id
        moved += 1
    return moved


def rule_conflict(conflict: CompanyConflict, ruling: str, actor: User, data: dict[str, Any]) -> list[CompanyConflict]:
    """Record admin's ruling on `conflict` (and the open conflicts it covers).

    `data`: note; for reassign department_id (the holder or the claimant)
    and optional owner_user_id; for split new_company_name and optional
    new_credit_code. Returns the ruled conflicts."""
    if conflict.status is not ConflictStatus.OPEN:
        raise CompanyError(_("该撞单已裁定，不能重复裁定。"))
    if ruling not in RULINGS:
        raise CompanyError(_("请选择裁定结果。"), "ruling")
    note = (data.get("note") or "").strip() or None
    company = conflict.company
    covered = _covered(conflict)
    claimant_id = conflict.claimant_department_id
    holder_id = company.first_department_id or conflict.holder_department_id
    claimant_leads = [db.session.get(Lead, c.lead_id) for c in covered]
    affected = {company.id}

    if ruling == "reassign":
        target = data.get("department_id")
        if target not in (holder_id, claimant_id) or target is None:
            raise CompanyError(_("改派须在首报部门与撞单部门之间选择。"), "department_id")
        owner_id = _check_owner(data.get("owner_user_id"), target)
        status = ConflictStatus.REASSIGNED
        if target == holder_id:
            _move_leads(claimant_leads, target, owner_id, actor)
        else:
            company.first_department_id = target
            company.first_reported_on = min((lead.received_on for lead in claimant_leads), default=None)
            holder_open = db.session.scalars(
                sa.select(Lead).where(
                    Lead.company_id == company.id,
                    Lead.owner_department_id == holder_id,
                    Lead.status.in_(OPEN_LEAD_STATUSES),
                    Lead.archived_at.is_(None),
                )
            ).all()
            _move_leads(holder_open, target, owner_id, actor)
            # Other departments' open conflicts now stand against the new holder.
            for other in db.session.scalars(
                sa.select(CompanyConflict).where(
                    CompanyConflict.company_id == company.id,
                    CompanyConflict.status == ConflictStatus.OPEN,
                    CompanyConflict.claimant_department_id != claimant_id,
                )
            ):
                other.holder_department_id = target
        target_name = db.session.get(Department, target).name
        summary = _("%(company)s：改派由 %(dept)s 跟进", company=company.name, dept=target_name)
    elif ruling == "share":
        status = ConflictStatus.SHARED
        summary = _("%(company)s：共同跟进", company=company.name)
    else:
        new_company = create_company(
            {"name": data.get("new_company_name"), "credit_code": data.get("new_credit_code")}, actor
        )
        new_company.first_department_id = claimant_id
        new_company.first_reported_on = min((lead.received_on for lead in claimant_leads), default=None)
        for lead in claimant_leads:
            lead.company_id = new_company.id
        affected.add(new_company.id)
        status = ConflictStatus.DISMISSED
        summary = _("%(company)s：非同一企业，另建 %(new)s", company=company.name, new=new_company.name)

    now = utcnow()
    for item in covered:
        item.status = status
        item.ruled_by_id = actor.id
        item.ruled_at = now
        item.ruling_note = note
        audit.record(
            "rule",
            "company_conflict",
            item.id,
            changes={"status": [ConflictStatus.OPEN.value, status.value], "note": note},
            summary=summary,
            user_id=actor.id,
        )
    refresh_conflict_flags(affected)
    from app.notify import events

    events.conflicts_ruled(covered, summary, actor)
    return covered
