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

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, g, has_app_context
from flask.cli import with_appcontext
from sqlalchemy.dialects import postgresql, sqlite

from app import clock
from app.counting import signed_amount_subquery
from app.db import db
from app.models import AnnualPlan, Lead, LeadFact, PlanMonth, Project, ProjectFact

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
    "light",
    "light_on",
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
    planned investment, as the reports always did; its light is today's."""
    from app.projects.lights import light_expression  # the lights read much of the app

    today = clock.today()
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
        light_expression(today),
        sa.literal(today, sa.Date),
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


def _upsert(
    connection: Any, table: sa.Table, columns: tuple[str, ...], rows: sa.Select, update: tuple[str, ...] = ()
) -> None:
    """INSERT … SELECT, a row already there updated in place (both databases
    say ON CONFLICT): a fact another transaction wrote meanwhile is
    overwritten, not a duplicate key. `update`: only these columns of a row
    already there (default: every column)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    # SQLite reads "SELECT … FROM t ON CONFLICT" as a join: a WHERE ends the SELECT.
    stmt = dialect.insert(table).from_select(columns, rows.where(sa.true()))
    stmt = stmt.on_conflict_do_update(
        index_elements=["id"], set_={name: stmt.excluded[name] for name in (update or columns) if name != "id"}
    )
    connection.execute(stmt)


def _lock(connection: Any, fact: Any, ids: Collection[int]) -> None:
    # Wait for a transaction refreshing these facts to commit (PostgreSQL;
    # SQLite has one writer at a time), so what is read next — the rollup
    # buckets the facts are in, the records — is as it left them.
    table = fact.__table__
    for chunk in _chunks(ids):
        connection.execute(sa.select(table.c.id).where(table.c.id.in_(chunk)).order_by(table.c.id).with_for_update())


def _write(connection: Any, fact: Any, record: Any, columns: tuple[str, ...], select: Any, ids: Any) -> None:
    table = fact.__table__
    for chunk in _chunks(ids):
        _upsert(connection, table, columns, select(chunk))
        gone = sa.select(record.id).where(record.id.in_(chunk))
        connection.execute(table.delete().where(table.c.id.in_(chunk), table.c.id.not_in(gone)))


def refresh(
    connection: Any, lead_ids: Iterable[int] = (), project_ids: Iterable[int] = (), deleted: Any = None
) -> None:
    """Recompute the facts of these leads and projects on `connection` (a
    record that no longer exists loses its fact), and the report rollups
    of the buckets they were and are in (`app.rollups`; `deleted`: those of
    records deleted since, read before their facts went with them)."""
    from app import rollups

    _moved()
    leads, projects = set(lead_ids), set(project_ids)
    _lock(connection, LeadFact, leads)
    _lock(connection, ProjectFact, projects)
    before = rollups.merge(rollups.buckets(connection, leads, projects), deleted or {})
    _write(connection, LeadFact, Lead, _LEAD_COLUMNS, lead_fact_select, leads)
    _write(connection, ProjectFact, Project, _PROJECT_COLUMNS, project_fact_select, projects)
    rollups.keep(connection, leads, projects, before)


def rebuild(connection: Any) -> tuple[int, int]:
    """Recompute every fact from the records; (leads, projects) written.
    (The rollups follow with `app.rollups.rebuild`: migration 0016 runs this
    before their table exists.)"""
    _moved()
    lead_table = LeadFact.__table__
    _upsert(connection, lead_table, _LEAD_COLUMNS, lead_fact_select())
    connection.execute(lead_table.delete().where(lead_table.c.id.not_in(sa.select(Lead.id))))
    leads = connection.execute(sa.select(sa.func.count()).select_from(lead_table)).scalar_one()
    return leads, refresh_lights(connection, only_lights=False)


# --- the lights, which also move with the calendar ---------------------------------


def lights_fresh(today: dt.date) -> bool:
    """Is every project's kept light of `today`? (One indexed probe, once
    per request and write.) Until the morning refresh has run, readers work
    the lights out themselves (`app.projects.lights`)."""
    settle()  # this transaction's own writes first
    cache = g.setdefault("_lights_fresh", {}) if has_app_context() else {}
    key = (generation(), today)
    if key not in cache:
        # The ends of the light_on index and its NULLs, each one index probe
        # (a `!=` over the column walked the whole index: 2–4 ms at L).
        on = ProjectFact.light_on
        first, last, unlit = db.session.execute(
            sa.select(
                sa.select(sa.func.min(on)).scalar_subquery(),
                sa.select(sa.func.max(on)).scalar_subquery(),
                sa.exists().where(on.is_(None)),
            )
        ).one()
        cache[key] = not unlit and (first is None or first == last == today)
    return cache[key]


def refresh_lights(connection: Any, only_lights: bool = True) -> int:
    """Recompute every project's light as of today (the background worker,
    once each morning; `only_lights=False`: every fact column, as `rebuild`
    does); the number of projects. The worker writes the light columns only:
    a project a colleague changed while it ran keeps the facts their commit
    kept (and the rollups summed), not the values read before it."""
    project_table = ProjectFact.__table__
    _moved()
    update = ("light", "light_on") if only_lights else ()
    _upsert(connection, project_table, _PROJECT_COLUMNS, project_fact_select(), update)
    connection.execute(project_table.delete().where(project_table.c.id.not_in(sa.select(Project.id))))
    return connection.execute(sa.select(sa.func.count()).select_from(project_table)).scalar_one()


# --- kept with every flush -------------------------------------------------------


def _touched(session: sa.orm.Session) -> tuple[set[int], set[int], set[int]]:
    """The leads, projects and annual plans a flush wrote. Anything of a
    project (a milestone, problem, progress update, 批示, approval item,
    monthly report, agreement …) may move its light or its amounts."""
    leads: set[int] = set()
    projects: set[int] = set()
    plans: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Lead):
            leads.add(obj.id)
        elif isinstance(obj, Project):
            projects.add(obj.id)
        elif isinstance(obj, PlanMonth):
            plans.add(obj.plan_id)
        elif "project_id" in sa.inspect(obj).mapper.attrs:
            # Moved to another project: both change.
            history = sa.inspect(obj).attrs.project_id.history
            projects.update(i for i in (*history.added, *history.unchanged, *history.deleted) if i is not None)
    for ids in (leads, projects, plans):
        ids.discard(None)  # type: ignore[arg-type]
    return leads, projects, plans


PENDING = "facts_pending"  # session.info: (leads, projects, plans) flushed, facts not yet refreshed
WRITTEN = "facts_written"  # session.info: everything flushed in this transaction
DELETED = "facts_deleted"  # session.info: the rollup buckets of leads and projects deleted in it


def _before_flush(session: sa.orm.Session, _context: Any, _instances: Any) -> None:
    # A deleted lead or project takes its fact with it (ON DELETE CASCADE):
    # note the rollup buckets it counted in while the fact is still there.
    leads = {o.id for o in session.deleted if isinstance(o, Lead) and o.id is not None}
    projects = {o.id for o in session.deleted if isinstance(o, Project) and o.id is not None}
    if leads or projects:
        from app import rollups

        found = rollups.buckets(session.connection(), leads, projects)
        session.info[DELETED] = rollups.merge(session.info.get(DELETED, {}), found)


def _after_flush(session: sa.orm.Session, _context: Any) -> None:
    # The session still lists what it flushed (new objects now with ids,
    # deleted ones still there). Refreshing here would cost statements for
    # every autoflush of a long write (an import flushes per row): note the
    # ids, refresh once before the commit or before a report reads the
    # facts (`settle`).
    touched = _touched(session)
    if any(touched):
        for key in (PENDING, WRITTEN):
            noted = session.info.setdefault(key, (set(), set(), set()))
            for mine, new in zip(noted, touched, strict=True):
                mine.update(new)


def _refresh_noted(session: sa.orm.Session, noted: tuple[set[int], set[int], set[int]]) -> None:
    leads, projects, plans = noted
    connection = session.connection()
    if plans:
        projects = projects | set(
            connection.execute(sa.select(AnnualPlan.project_id).where(AnnualPlan.id.in_(plans))).scalars()
        )
    refresh(connection, leads, projects, session.info.get(DELETED))


def settle(session: sa.orm.Session | None = None) -> None:
    """Flush and bring the facts of everything written so far up to date
    (no statement when nothing moved)."""
    session = session or db.session()
    session.flush()
    pending = session.info.pop(PENDING, None)
    if pending is not None:
        _refresh_noted(session, pending)


def _before_commit(session: sa.orm.Session) -> None:
    # Everything the transaction wrote, once more: a refresh made by `settle`
    # inside a savepoint that was rolled back is undone with it.
    session.flush()
    session.info.pop(PENDING, None)
    written = session.info.pop(WRITTEN, None)
    if written is not None:
        _refresh_noted(session, written)


def _after_transaction_end(session: sa.orm.Session, transaction: Any) -> None:
    if transaction.parent is None:  # the outermost: committed or rolled back
        for key in (PENDING, WRITTEN, DELETED):
            session.info.pop(key, None)


sa.event.listen(sa.orm.Session, "before_flush", _before_flush)
sa.event.listen(sa.orm.Session, "after_flush", _after_flush)
sa.event.listen(sa.orm.Session, "before_commit", _before_commit)
sa.event.listen(sa.orm.Session, "after_transaction_end", _after_transaction_end)


# --- flask facts rebuild ------------------------------------------------------------


@click.group("facts")
def facts_cli() -> None:
    """统计事实：由记录重新计算。"""


@facts_cli.command("rebuild")
@with_appcontext
def rebuild_command() -> None:
    """Recompute every report fact and rollup from the records (after a
    restore, a bulk load that bypassed the app, or to check the kept facts).
    Run it while no one writes (a maintenance window): it rewrites every row
    without the per-record locks the app's own writes take."""
    from app import rollups

    connection = db.session.connection()
    leads, projects = rebuild(connection)
    rows = rollups.rebuild(connection)
    db.session.commit()
    click.echo(f"统计事实已重建：线索 {leads} 条，项目 {projects} 个，汇总 {rows} 行。")


def register(app: Flask) -> None:
    app.cli.add_command(facts_cli)
