"""Merging two records of the same company (admin): every lead, project and
conflict of the merged record moves to the survivor (visits hang on leads
and projects, so they follow), tiers are united, blank facts filled in, the
earlier 首报 kept; the merged record stays, archived, pointing at the
survivor, and the merge is audited with the counts before and after."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit, facts
from app.companies.conflicts import refresh_conflict_flags, sync_lead_conflicts
from app.companies.services import CompanyError, find_matches, refresh_names
from app.db import db, utcnow
from app.models import Company, CompanyConflict, Lead, Problem, Project, User, Visit


def involvement(company_ids: list[int]) -> dict[str, int]:
    """Leads, projects and visits (through either) of these companies."""
    leads = sa.select(Lead.id).where(Lead.company_id.in_(company_ids))
    projects = sa.select(Project.id).where(Project.company_id.in_(company_ids))
    return {
        "leads": db.session.scalar(sa.select(sa.func.count()).select_from(leads.subquery())),
        "projects": db.session.scalar(sa.select(sa.func.count()).select_from(projects.subquery())),
        "visits": db.session.scalar(
            sa.select(sa.func.count(Visit.id)).where(sa.or_(Visit.lead_id.in_(leads), Visit.project_id.in_(projects)))
        ),
        "conflicts": db.session.scalar(
            sa.select(sa.func.count(CompanyConflict.id)).where(CompanyConflict.company_id.in_(company_ids))
        ),
    }


def merge_companies(survivor: Company, merged: Company, actor: User, note: str | None = None) -> dict[str, Any]:
    """Merge `merged` into `survivor`; returns the counts before and after."""
    if survivor.id == merged.id:
        raise CompanyError(_("不能将企业与其自身合并。"), "other_id")
    for company in (survivor, merged):
        if company.merged_into_id is not None or company.archived_at is not None:
            raise CompanyError(_("「%(name)s」已被合并或归档，不能再合并。", name=company.name), "other_id")
    if survivor.credit_code and merged.credit_code and survivor.credit_code != merged.credit_code:
        raise CompanyError(
            _(
                "两家企业的统一社会信用代码不同（%(a)s / %(b)s），是不同的法人，不能合并。",
                a=survivor.credit_code,
                b=merged.credit_code,
            ),
            "other_id",
        )
    before = involvement([survivor.id, merged.id])

    lead_table, project_table = Lead.__table__, Project.__table__
    moved_leads = db.session.scalars(sa.select(lead_table.c.id).where(lead_table.c.company_id == merged.id)).all()
    moved_projects = db.session.scalars(
        sa.select(project_table.c.id).where(project_table.c.company_id == merged.id)
    ).all()
    # Bump the lead/project versions: an edit form opened before the merge must reload.
    db.session.execute(
        sa.update(lead_table)
        .where(lead_table.c.company_id == merged.id)
        .values(company_id=survivor.id, version=lead_table.c.version + 1)
    )
    db.session.execute(
        sa.update(project_table)
        .where(project_table.c.company_id == merged.id)
        .values(company_id=survivor.id, version=project_table.c.version + 1)
    )
    # 企业诉求 of the merged record follow the company.
    db.session.execute(
        sa.update(Problem.__table__)
        .where(Problem.__table__.c.company_id == merged.id)
        .values(company_id=survivor.id, version=Problem.__table__.c.version + 1)
    )
    db.session.execute(
        sa.update(CompanyConflict.__table__)
        .where(CompanyConflict.__table__.c.company_id == merged.id)
        .values(company_id=survivor.id)
    )
    # The bulk updates bypass the flush that keeps the report facts.
    facts.refresh(db.session.connection(), moved_leads, moved_projects)
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, (Lead, Project)) and obj.company_id == merged.id:
            db.session.expire(obj)

    survivor.tiers = sorted({*survivor.tiers, *merged.tiers}, key=lambda t: (t.sort_order, t.id))
    code = merged.credit_code
    merged.credit_code = None
    db.session.flush()  # free the unique credit code before the survivor takes it
    survivor.credit_code = survivor.credit_code or code
    survivor.hq_region = survivor.hq_region or merged.hq_region
    survivor.industry_id = survivor.industry_id or merged.industry_id
    if merged.notes:
        survivor.notes = "\n".join(filter(None, [survivor.notes, merged.notes]))
    if merged.first_department_id is not None and (
        survivor.first_department_id is None
        or (
            merged.first_reported_on is not None
            and survivor.first_reported_on is not None
            and merged.first_reported_on < survivor.first_reported_on
        )
    ):
        # The earlier 首报 holds the merged company.
        survivor.first_department_id = merged.first_department_id
        survivor.first_reported_on = merged.first_reported_on
    refresh_names(survivor)
    merged.merged_into_id = survivor.id
    merged.archived_at = utcnow()
    merged.first_department_id = None
    db.session.flush()

    # Leads of another department than the (possibly new) holder now conflict.
    for lead in db.session.scalars(sa.select(Lead).where(Lead.company_id == survivor.id).order_by(Lead.id)):
        sync_lead_conflicts(lead, actor)
    refresh_conflict_flags([survivor.id])
    after = involvement([survivor.id])
    audit.record(
        "merge",
        "company",
        survivor.id,
        changes={"merged_id": merged.id, "merged_name": merged.name, "before": before, "after": after, "note": note},
        summary=_("%(merged)s 合并入 %(survivor)s", merged=merged.name, survivor=survivor.name),
        user_id=actor.id,
    )
    return {"before": before, "after": after}


def merged_message(result: dict[str, Any]) -> str:
    after = result["after"]
    return _(
        "已合并：线索 %(l)d 条、项目 %(p)d 个、拜访记录 %(v)d 条均已归入本企业。",
        l=after["leads"],
        p=after["projects"],
        v=after["visits"],
    )


def merge_page(survivor: Company, other: Company | None) -> dict[str, Any]:
    """What the merge page shows: both records, what hangs on each, and
    look-alike candidates to merge."""
    return {
        "survivor": survivor,
        "other": other,
        "candidates": find_matches(survivor.name, survivor.credit_code, exclude_id=survivor.id, limit=10),
        "counts": {
            "survivor": involvement([survivor.id]),
            "other": involvement([other.id]) if other else None,
        },
    }
