"""Report facts kept with the records (`LeadFact`, `ProjectFact`).

Every flush that writes a lead, a project or an agreement refreshes the
facts of the leads and projects it touched, in the same transaction, with
one DELETE and one INSERT … SELECT per table (`refresh`): the facts are
computed from the records by the same SELECT whether one record moved or
the whole table is rebuilt (`rebuild`, `flask facts rebuild`), so the two
cannot disagree. Writes that bypass the ORM (a company merge's bulk UPDATE)
call `refresh` themselves.

The reports (`app.reports`) read these tables instead of working the
agreements' counting rule and the step dates out per request.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import with_appcontext

from app.counting import signed_amount_subquery
from app.db import db
from app.models import Agreement, Lead, LeadFact, Project, ProjectFact

CHUNK = 2000  # ids per statement (the counting rule repeats them four times)

_LEAD_COLUMNS = (
    "id",
    "archived_at",
    "received_on",
    "owner_department_id",
    "industry_id",
    "source_id",
    "chain_id",
    "company_id",
    "amount",
    "contacted_on",
    "negotiating_on",
)
_PROJECT_COLUMNS = (
    "id",
    "lead_id",
    "archived_at",
    "lead_department_id",
    "industry_id",
    "company_id",
    "responsible_leader_id",
    "kind_id",
    "level",
    "stage",
    "planned_investment",
    "signed_on",
    "construction_on",
    "production_on",
    "signed_amount",
    "last_agreement_on",
)


def lead_fact_select(ids: Collection[int] | None = None) -> sa.Select:
    """The facts of the leads `ids` (None: every lead), computed from the records."""
    stmt = sa.select(
        Lead.id,
        Lead.archived_at,
        Lead.received_on,
        Lead.owner_department_id,
        Lead.industry_id,
        Lead.source_id,
        Lead.chain_id,
        Lead.company_id,
        sa.func.coalesce(Lead.intended_investment, 0),
        sa.func.coalesce(Lead.contacted_on, Lead.negotiating_on, Lead.converted_on),
        sa.func.coalesce(Lead.negotiating_on, Lead.converted_on),
    )
    return stmt if ids is None else stmt.where(Lead.id.in_(ids))


def project_fact_select(ids: Collection[int] | None = None) -> sa.Select:
    """The facts of the projects `ids` (None: every project). A project that
    reached 签约 with no agreement recorded (moved by hand) is valued at its
    planned investment, as the reports always did."""
    signed = signed_amount_subquery(name="fact_signed", project_ids=ids)
    stmt = sa.select(
        Project.id,
        Project.lead_id,
        Project.archived_at,
        Project.lead_department_id,
        Project.industry_id,
        Project.company_id,
        Project.responsible_leader_id,
        Project.kind_id,
        Project.level,
        Project.stage,
        Project.planned_investment,
        sa.func.coalesce(Project.signed_on, Project.landed_on, Project.construction_on, Project.production_on),
        sa.func.coalesce(Project.construction_on, Project.production_on),
        Project.production_on,
        sa.func.coalesce(signed.c.signed_amount, Project.planned_investment),
        signed.c.latest_signed_on,
    ).outerjoin(signed, signed.c.project_id == Project.id)
    return stmt if ids is None else stmt.where(Project.id.in_(ids))


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


_generation = 0


def generation() -> int:
    """A number that changes whenever this process writes facts: what a
    request cached from them is stale once it moves."""
    return _generation


def _moved() -> None:
    global _generation
    _generation += 1


def refresh(connection: Any, lead_ids: Iterable[int] = (), project_ids: Iterable[int] = ()) -> None:
    """Recompute the facts of these leads and projects on `connection` (a
    record that no longer exists loses its fact)."""
    _moved()
    lead_table, project_table = LeadFact.__table__, ProjectFact.__table__
    for chunk in _chunks(lead_ids):
        connection.execute(lead_table.delete().where(lead_table.c.id.in_(chunk)))
        connection.execute(lead_table.insert().from_select(_LEAD_COLUMNS, lead_fact_select(chunk)))
    for chunk in _chunks(project_ids):
        connection.execute(project_table.delete().where(project_table.c.id.in_(chunk)))
        connection.execute(project_table.insert().from_select(_PROJECT_COLUMNS, project_fact_select(chunk)))


def rebuild(connection: Any) -> tuple[int, int]:
    """Recompute every fact from the records; (leads, projects) written."""
    _moved()
    lead_table, project_table = LeadFact.__table__, ProjectFact.__table__
    connection.execute(lead_table.delete())
    connection.execute(project_table.delete())
    connection.execute(lead_table.insert().from_select(_LEAD_COLUMNS, lead_fact_select()))
    connection.execute(project_table.insert().from_select(_PROJECT_COLUMNS, project_fact_select()))
    leads = connection.execute(sa.select(sa.func.count()).select_from(lead_table)).scalar_one()
    projects = connection.execute(sa.select(sa.func.count()).select_from(project_table)).scalar_one()
    return leads, projects


# --- kept with every flush -------------------------------------------------------


def _touched(session: sa.orm.Session) -> tuple[set[int], set[int]]:
    leads: set[int] = set()
    projects: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Lead):
            leads.add(obj.id)
        elif isinstance(obj, Project):
            projects.add(obj.id)
        elif isinstance(obj, Agreement):
            # An agreement moved to another project changes both.
            history = sa.inspect(obj).attrs.project_id.history
            projects.update(i for i in (*history.added, *history.unchanged, *history.deleted) if i is not None)
            if obj.project_id is not None:
                projects.add(obj.project_id)
    leads.discard(None)  # type: ignore[arg-type]
    projects.discard(None)  # type: ignore[arg-type]
    return leads, projects


PENDING = "facts_pending"  # session.info: (lead ids, project ids) flushed but not yet refreshed


def _after_flush(session: sa.orm.Session, _context: Any) -> None:
    # The session still lists what it flushed (new objects now with ids,
    # deleted ones still there). Refreshing here would cost two statements
    # per table for every autoflush of a long write (an import flushes per
    # row): note the ids and refresh once, before the commit or before a
    # report reads the facts (`settle`).
    leads, projects = _touched(session)
    if leads or projects:
        pending = session.info.setdefault(PENDING, (set(), set()))
        pending[0].update(leads)
        pending[1].update(projects)


def settle(session: sa.orm.Session | None = None) -> None:
    """Flush and bring the facts of everything written so far up to date
    (no statement when nothing moved)."""
    session = session or db.session()
    session.flush()
    pending = session.info.pop(PENDING, None)
    if pending is not None:
        refresh(session.connection(), *pending)


def _before_commit(session: sa.orm.Session) -> None:
    settle(session)


sa.event.listen(sa.orm.Session, "after_flush", _after_flush)
sa.event.listen(sa.orm.Session, "before_commit", _before_commit)
# Nothing is forgotten on a rollback: refreshing a record whose change was
# rolled back recomputes the same facts (a lost new record, none).


# --- flask facts rebuild ------------------------------------------------------------


@click.group("facts")
def facts_cli() -> None:
    """统计事实：由记录重新计算。"""


@facts_cli.command("rebuild")
@with_appcontext
def rebuild_command() -> None:
    """Recompute every report fact from the records (after a restore, a bulk
    load that bypassed the app, or to check the kept facts)."""
    leads, projects = rebuild(db.session.connection())
    db.session.commit()
    click.echo(f"统计事实已重建：线索 {leads} 条，项目 {projects} 个。")


def register(app: Flask) -> None:
    app.cli.add_command(facts_cli)
