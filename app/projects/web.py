"""Glue shared by the project and problem views: run one service call as the
request's unit of work (commit, or roll back and report the refusal on the
form field it concerns), and the "wants JSON" test for the kanban board."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, request
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from app.concurrency import StaleEditError
from app.db import db
from app.problems.services import ProblemError
from app.projects.services import ProjectError

STALE_MESSAGE = "该记录刚被他人修改，您的修改尚未保存。请核对最新内容后重新提交（您的输入已保留）。"


class Outcome:
    """What happened to a service call: ok, or the message and field."""

    def __init__(self, ok: bool, message: str | None = None, field: str | None = None, stale: bool = False) -> None:
        self.ok, self.message, self.field, self.stale = ok, message, field, stale

    def __bool__(self) -> bool:
        return self.ok


def attempt(action: Callable[[], Any], form: Any = None) -> Outcome:
    """Run `action`, commit; on a refusal roll back, put the message on the
    form field it names (or flash it) and return the failed Outcome."""
    try:
        action()
        db.session.commit()
    except (ProjectError, ProblemError) as exc:
        db.session.rollback()
        outcome = Outcome(False, str(exc), exc.field)
    except StaleEditError as exc:
        db.session.rollback()
        outcome = Outcome(False, str(exc), None, stale=True)
    except StaleDataError:
        db.session.rollback()
        outcome = Outcome(False, _(STALE_MESSAGE), None, stale=True)
    else:
        return Outcome(True)
    if form is not None and outcome.field and outcome.field in form:
        form[outcome.field].errors = [*form[outcome.field].errors, outcome.message]
    elif not wants_json():
        flash(outcome.message, "warning" if outcome.stale else "danger")
    return outcome


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def form_error_message(form: Any) -> str:
    """The first field error of `form`, for JSON answers."""
    for name, errors in form.errors.items():
        if errors:
            label = form[name].label.text if name in form else ""
            return f"{label}：{errors[0]}" if label else str(errors[0])
    return _("提交的内容有误。")
