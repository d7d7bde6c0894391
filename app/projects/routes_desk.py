"""Views of the leader's desk (领导工作台) and the weekly 项目服务日 sheet
(page, A4 print, .xlsx)."""

from __future__ import annotations

import datetime as dt

from flask import abort, render_template, request
from flask_login import current_user

from app import clock
from app.db import db
from app.models import Project, Role, User
from app.pagination import page_args
from app.params import parse_id
from app.permissions import project_filter, role_required
from app.projects import bp, exports
from app.projects.desk import DESK_PAGE_ROWS, default_week, leader_desk, service_sheet, week_of
from app.projects.queries import leader_choices


@bp.route("/desk")
@role_required(Role.ADMIN, Role.LEADER, Role.VIEWER)
def desk():
    """A leader's desk: their own, or (for admin, viewer and other leaders,
    who see all projects) the leader chosen with `leader_id`; `page` and
    `per_page` as on every list."""
    leader = current_user if current_user.role is Role.LEADER else None
    raw = request.args.get("leader_id")
    if raw:
        ident = parse_id(raw)
        chosen = db.session.get(User, ident) if ident else None
        if chosen is None or chosen.role is not Role.LEADER:
            abort(404)
        leader = chosen
    today = clock.today()
    board = leader_desk(leader, today, *page_args(DESK_PAGE_ROWS)) if leader is not None else None
    rows = board.page if board is not None else None
    return render_template(
        "projects/desk.html", desk=board, rows=rows, leader=leader, leaders=leader_choices(), as_of=today
    )


def _week_start() -> dt.date:
    today = clock.today()
    raw = request.args.get("week")
    if raw:
        try:
            return week_of(dt.date.fromisoformat(raw))[0]
        except ValueError:
            pass
    return default_week(today)


def _leader_id() -> int | None:
    return parse_id(request.args.get("leader_id"))


def _sheet():
    """The sheet for the week asked for (default: last week), optionally one
    leader's projects only, within the user's data scope."""
    today = clock.today()
    conditions = [project_filter(current_user)]
    leader_id = _leader_id()
    if leader_id:
        conditions.append(Project.responsible_leader_id == leader_id)
    return service_sheet(_week_start(), today, conditions), today


@bp.route("/service-day")
@role_required(Role.ADMIN, Role.LEADER, Role.VIEWER, Role.STAFF)
def service_day():
    sheet, today = _sheet()
    return render_template(
        "projects/service_day.html",
        sheet=sheet,
        as_of=today,
        prev_week=sheet.start - dt.timedelta(days=7),
        next_week=sheet.start + dt.timedelta(days=7),
        this_week=week_of(today)[0],
        leaders=leader_choices(),
        leader_id=_leader_id(),
    )


@bp.route("/service-day.xlsx")
@role_required(Role.ADMIN, Role.LEADER, Role.VIEWER, Role.STAFF)
def service_day_export():
    sheet, _today = _sheet()
    return exports.service_day_export(sheet)
