"""Loading one record for a view or an API operation, with its permission
check: `get_visible_or_404(Model, id)` answers 404 for a record that is
missing, archived (for non-admins) or outside the caller's scope — the same
answer for all three, so nothing leaks — and `get_editable_or_403(Model, id)`
adds the edit check (403 on a record one may see but not change).

Each entity registers its two checks once (`register(Model, view=…, edit=…)`,
next to the rules in its permissions module); a loader for an unregistered
model is a programming error, not a silent "everyone may"."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from app.db import db
from app.models import Role, User
from app.params import MAX_ID

T = TypeVar("T")
Check = Callable[[User, Any], bool]


@dataclass(frozen=True)
class Rules:
    view: Check
    edit: Check | None
    hide_archived: bool  # archived records answer 404 to everyone but admin


_RULES: dict[type, Rules] = {}


def register(model: type, *, view: Check, edit: Check | None = None, hide_archived: bool = True) -> None:
    """Declare who may see (and change) records of `model`. With
    `hide_archived=False` the `view` check decides about archived records
    itself (a merged company stays reachable to lead to the survivor)."""
    _RULES[model] = Rules(view, edit, hide_archived)


def _rules(model: type) -> Rules:
    try:
        return _RULES[model]
    except KeyError:
        raise LookupError(f"no permission rules registered for {model.__name__}") from None


def get_visible_or_404(model: type[T], ident: Any, *, options: Sequence[Any] = ()) -> T:
    """The record (loaded with `options`, e.g. what its page shows), or 404
    when it is missing, archived (for non-admins) or not visible to the
    current user."""
    rules = _rules(model)
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        abort(404)
    obj = db.session.get(model, ident, options=options) if 0 < ident <= MAX_ID else None
    if obj is None or not rules.view(current_user, obj):
        abort(404)
    if rules.hide_archived and getattr(obj, "archived_at", None) is not None and current_user.role is not Role.ADMIN:
        abort(404)
    return obj


def get_editable_or_403(model: type[T], ident: Any, *, options: Sequence[Any] = (), message: str | None = None) -> T:
    """The record as `get_visible_or_404` loads it, then 403 (with `message`,
    if given) unless the current user may change it."""
    obj = get_visible_or_404(model, ident, options=options)
    rules = _rules(model)
    if rules.edit is None:
        raise LookupError(f"no edit rule registered for {model.__name__}")
    require(rules.edit(current_user, obj), message)
    return obj


def require(condition: bool, message: str | None = None) -> None:
    """403 unless `condition` (for actions on a record one may see)."""
    if not condition:
        abort(403, message) if message else abort(403)
