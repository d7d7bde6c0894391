"""Factories for the agreements tests: projects (through the projects
service, so stage history is real), signing events, agreements, funding and
small files of each type."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from app.agreements import services
from app.agreements.funding import record_funding
from app.db import db
from app.models import Agreement, AgreementKind, Department, Funding, Project, SigningEvent, Stage, User
from app.projects.services import create_project
from tests import factories

_seq = itertools.count(1)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def actor() -> User:
    """An admin to act in services (created once per test database state)."""
    return factories.user("admin")


def project(
    *,
    stage: Stage = Stage.ATTRACTING,
    department: Department | None = None,
    by: User | None = None,
    on: dt.date | None = None,
    **fields: Any,
) -> Project:
    by = by or actor()
    data = {"name": fields.pop("name", f"测试项目{next(_seq)}"), "planned_investment": Decimal("10000"), **fields}
    if department is not None:
        data["lead_department_id"] = department.id
    note = "测试数据" if stage not in (Stage.PLANNING, Stage.ATTRACTING) else None
    created = create_project(data, by, stage=stage, on=on or dt.date(2026, 1, 5), note=note)
    db.session.flush()
    return created


def event(name: str | None = None, held_on: dt.date = dt.date(2026, 3, 18), **fields: Any) -> SigningEvent:
    created = SigningEvent(name=name or f"签约活动{next(_seq)}", held_on=held_on, **fields)
    db.session.add(created)
    db.session.flush()
    return created


def agreement_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": AgreementKind.INVESTMENT,
        "signed_on": dt.date(2026, 3, 18),
        "agreed_investment": Decimal("50000"),
        "is_capital_increase": False,
        "our_signatory": "王建国",
        "their_signatory": "企业法人",
        "committed_construction_on": dt.date(2026, 6, 30),
        "committed_production_on": dt.date(2027, 6, 30),
    }
    data.update(overrides)
    return data


def agreement(project_: Project, by: User | None = None, **overrides: Any) -> Agreement:
    """An agreement recorded through the service (stage effects included)."""
    created = services.record_agreement(project_, agreement_data(**overrides), by or actor())
    db.session.flush()
    return created


def raw_agreement(project_: Project, **overrides: Any) -> Agreement:
    """An agreement row without the service (for counting-rule tables)."""
    created = Agreement(project_id=project_.id, **agreement_data(**overrides))
    db.session.add(created)
    db.session.flush()
    return created


def funding(project_: Project, month: dt.date, amount: str | Decimal, by: User | None = None) -> Funding:
    row, _created = record_funding(project_, month, Decimal(amount), by or actor(), today=dt.date(2030, 1, 1))
    db.session.flush()
    return row


def agreement_form(**overrides: Any) -> dict[str, Any]:
    """The POST body of the agreement form."""
    data = {
        "kind": "investment",
        "signed_on": "2026-03-18",
        "signing_event": "",
        "agreed_investment": "50000",
        "our_signatory": "王建国",
        "their_signatory": "企业法人",
        "committed_construction_on": "2026-06-30",
        "committed_production_on": "2027-06-30",
        "notes": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
