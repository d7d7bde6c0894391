"""The 签约与资金到位 panel of a project page: its agreements with their
attachments, funds received by month, signed amount, cumulative received
and 到位率, and what the current user may do — three queries, whatever the
number of rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app import attachments, clock
from app.agreements.fulfilment import days_late, is_overdue
from app.agreements.funding import funding_rate, fundings_of, with_cumulative
from app.counting import counted_amount, signed_amount
from app.db import db
from app.models import Agreement, Attachment, Funding, Project, Role, User
from app.permissions import can_edit_project

ZERO = Decimal("0")


@dataclass
class AgreementPanel:
    project: Project
    agreements: list[Agreement]
    archived: list[Agreement]
    files: dict[int, list[Attachment]]
    fundings: list[tuple[Funding, Decimal]]
    signed_amount: Decimal | None
    received: Decimal
    rate: Decimal | None
    committed_construction_on: dt.date | None
    committed_production_on: dt.date | None
    can_edit: bool
    is_admin: bool
    today: dt.date = field(default_factory=clock.today)

    @property
    def construction_late(self) -> int | None:
        return days_late(self.committed_construction_on, self.project.construction_on, self.today)

    @property
    def production_late(self) -> int | None:
        return days_late(self.committed_production_on, self.project.production_on, self.today)

    @property
    def construction_overdue(self) -> bool:
        return is_overdue(self.committed_construction_on, self.project.construction_on, self.project.stage, self.today)

    @property
    def production_overdue(self) -> bool:
        return is_overdue(self.committed_production_on, self.project.production_on, self.project.stage, self.today)

    def counted(self, agreement: Agreement) -> Decimal:
        return counted_amount(agreement)


def _latest_stated(agreements: list[Agreement], attr: str) -> dt.date | None:
    """The date stated by the latest agreement that states one (the same
    rule as the fulfilment list's SQL)."""
    stated = [a for a in agreements if getattr(a, attr) is not None]
    if not stated:
        return None
    return getattr(max(stated, key=lambda a: (a.signed_on, a.id)), attr)


def project_panel(project: Project, user: User, *, today: dt.date | None = None) -> AgreementPanel:
    """Everything `agreements/_project_panel.html` shows for `project` to `user`."""
    is_admin = user.is_authenticated and user.role is Role.ADMIN
    every = list(
        db.session.scalars(
            sa.select(Agreement)
            .options(joinedload(Agreement.signing_event))
            .where(Agreement.project_id == project.id)
            .order_by(Agreement.signed_on, Agreement.id)
        )
    )
    live = [a for a in every if a.archived_at is None]
    archived = [a for a in every if a.archived_at is not None] if is_admin else []
    files = attachments.for_owners("agreement", {a.id for a in live})
    fundings = with_cumulative(fundings_of(project.id))
    received = fundings[-1][1] if fundings else ZERO
    amount = signed_amount(live)
    return AgreementPanel(
        project=project,
        agreements=live,
        archived=archived,
        files=files,
        fundings=fundings,
        signed_amount=amount,
        received=received,
        rate=funding_rate(received, amount),
        committed_construction_on=_latest_stated(live, "committed_construction_on"),
        committed_production_on=_latest_stated(live, "committed_production_on"),
        can_edit=user.is_authenticated and can_edit_project(user, project),
        is_admin=is_admin,
        today=today or clock.today(),
    )
