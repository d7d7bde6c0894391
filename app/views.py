"""What every HTML view shares: running the request's one unit of work.

`attempt(action, form)` calls `action()` (one service call, or a few that
belong together) and commits. When the service refuses (`app.refusals.Refusal`,
a stale edit included) it rolls back — nothing is written — and puts the
message on the form field the refusal names, or flashes it; the view then
shows the form again with the person's input kept. A view never writes its
own try/commit/rollback:

    form = LeadForm()
    if form.validate_on_submit():
        outcome = attempt(lambda: services.update_lead(lead, form.data, current_user), form)
        if outcome:
            flash(_("已保存。"), "success")
            return redirect(url_for("leads.detail", lead_id=lead.id))
    return render_template("leads/form.html", form=form)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash, request
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from app.db import db
from app.refusals import Refusal, StaleEdit


@dataclass
class Outcome:
    """What happened to the unit of work: `ok` with the action's `value`, or
    the refusal (its message and field)."""

    ok: bool
    value: Any = None
    refusal: Refusal | None = None

    def __bool__(self) -> bool:
        return self.ok

    @property
    def message(self) -> str | None:
        return self.refusal.message if self.refusal else None

    @property
    def field(self) -> str | None:
        return self.refusal.field if self.refusal else None

    @property
    def stale(self) -> bool:
        return isinstance(self.refusal, StaleEdit)


def attempt(action: Callable[[], Any], form: Any = None, *, flash_refusal: bool = True) -> Outcome:
    """Run `action` and commit; on a refusal roll back, put the message on
    the form field it names (or flash it, unless `flash_refusal` is False or
    the client wants JSON) and return the failed Outcome. Any other error
    rolls back and propagates (a 500, logged)."""
    try:
        value = action()
        db.session.commit()
    except Refusal as exc:
        db.session.rollback()
        refusal = exc
    except StaleDataError:
        db.session.rollback()
        refusal = StaleEdit()
    except Exception:
        db.session.rollback()
        raise
    else:
        return Outcome(True, value)
    if refusal.quiet:
        pass
    elif form is not None and refusal.field and refusal.field in form:
        form[refusal.field].errors = [*form[refusal.field].errors, refusal.message]
    elif flash_refusal and not wants_json():
        flash(refusal.message, "warning" if isinstance(refusal, StaleEdit) else "danger")
    return Outcome(False, refusal=refusal)


def wants_json() -> bool:
    """The client asked for JSON (the kanban board's fetch) rather than a page."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def form_error_message(form: Any) -> str:
    """The first field error of `form`, for JSON answers."""
    for name, errors in form.errors.items():
        if errors:
            label = form[name].label.text if name in form else ""
            return f"{label}：{errors[0]}" if label else str(errors[0])
    return _("提交的内容有误。")
