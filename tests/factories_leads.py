"""Factories for companies, leads and visits: flushed records with the
maintained columns set as the services would set them."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from app import clock
from app.companies.conflicts import sync_lead_conflicts
from app.companies.services import refresh_names
from app.db import db, utcnow
from app.models import Company, Department, Lead, LeadStatus, LeadStatusChange, RefItem, RefKind, User, Visit
from tests import factories

_seq = itertools.count(1)

# Real-format unified social credit codes with a correct check character
# (GB 32100-2015), including authorities A, N and Y.
VALID_CODES = (
    "91110000600037341L",
    "91310115MA1K3BTP2B",
    "121200004013590816",
    "A1100000MB12345676",
    "N2410105MA9XK2L3DK",
    "Y1440300MA5G8Q1P0W",
)


def ref(kind: RefKind, name: str | None = None) -> RefItem:
    stmt = sa.select(RefItem).where(RefItem.kind == kind).order_by(RefItem.sort_order)
    if name is not None:
        stmt = stmt.where(RefItem.name == name)
    return db.session.scalars(stmt).first()


def company(name: str | None = None, **fields: Any) -> Company:
    tiers = fields.pop("tiers", [])
    item = Company(name=name or f"测试企业{next(_seq)}科技有限公司", **fields)
    refresh_names(item)
    item.tiers = list(tiers)
    db.session.add(item)
    db.session.flush()
    return item


def lead(
    *,
    company: Company | None = None,
    department: Department | None = None,
    owner: User | None = None,
    status: LeadStatus = LeadStatus.NEW,
    received_on: dt.date | None = None,
    status_changed_at: dt.datetime | None = None,
    **fields: Any,
) -> Lead:
    if department is None:
        department = owner.department if owner is not None and owner.department else factories.department()
    company = company or globals()["company"]()
    received_on = received_on or clock.today()
    item = Lead(
        company_id=company.id,
        title=fields.pop("title", f"投资意向{next(_seq)}"),
        owner_department_id=department.id,
        owner_user_id=owner.id if owner else None,
        created_by_id=owner.id if owner else None,
        received_on=received_on,
        status=status,
        status_changed_at=status_changed_at or utcnow(),
        intended_investment=fields.pop("intended_investment", Decimal("1000")),
        **fields,
    )
    if status in (LeadStatus.CONTACTED, LeadStatus.NEGOTIATING, LeadStatus.CONVERTED):
        item.contacted_on = item.contacted_on or received_on
    if status in (LeadStatus.NEGOTIATING, LeadStatus.CONVERTED):
        item.negotiating_on = item.negotiating_on or received_on
    db.session.add(item)
    db.session.flush()
    db.session.add(
        LeadStatusChange(lead_id=item.id, from_status=None, to_status=status, changed_at=item.status_changed_at)
    )
    sync_lead_conflicts(item, owner)
    return item


def visit(lead: Lead, *, by: User | None = None, visited_on: dt.date | None = None, **fields: Any) -> Visit:
    item = Visit(
        lead_id=lead.id,
        department_id=lead.owner_department_id,
        visited_on=visited_on or clock.today(),
        summary=fields.pop("summary", "介绍我区营商环境，对方有意考察。"),
        created_by_id=by.id if by else None,
        **fields,
    )
    db.session.add(item)
    db.session.flush()
    return item
