"""Refusals: the one way a service says "no" to a person.

A service raises `Refusal(message, field=None)` (or a subclass named for its
feature: `LeadError`, `ProjectError` …) with a Chinese message for the user
and, where it concerns one, the form field or API body field it belongs to.
Nothing is written: the request's one transaction is rolled back by the
surface that called the service —

- HTML views: `app.views.attempt(action, form)` commits, or rolls back and
  puts the message on the form field (or flashes it);
- the API: `app.api.common.saving()` commits, or rolls back and answers the
  documented JSON error with the refusal's `status` (422 by default, 409 for a
  stale edit, 400 for a bad upload …) and `{field: message}`.

A stale edit (optimistic lock: the record changed since the form was read)
is `StaleEdit`, with one message wherever it is raised."""

from __future__ import annotations

from flask_babel import gettext as _

STALE_MESSAGE = "该记录刚被他人修改，您的修改尚未保存。请核对最新内容后重新提交（您的输入已保留）。"


class Refusal(Exception):  # noqa: N818 - a refusal is an answer to the user, not a fault
    """A refused change or request; `message` is for the user, `field` names
    the form or body field it concerns, `status` is the HTTP status the API
    answers with."""

    status: int = 422
    # A question back to the person (e.g. "is this the same company?") that the
    # view renders itself: `attempt` neither flashes it nor puts it on a field.
    quiet: bool = False

    def __init__(self, message: str, field: str | None = None, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status


class StaleEdit(Refusal):
    """The record changed since the form (or API client) read it."""

    status = 409

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _(STALE_MESSAGE))


class BadParameter(Refusal):
    """A query-string parameter the API cannot read (pages ignore it instead:
    see `app.params`)."""

    status = 422
