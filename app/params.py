"""Query-string parameters: the one reader of ids, numbers, dates, months,
years, flags and choices for pages, exports, reports and the API.

One policy for a value that cannot be read:

- a page keeps working: the filter is ignored and the page says which one
  (`Params.errors` holds Chinese sentences such as "部门「abc」无效，已忽略。";
  `flash_errors()` shows them above the list as warnings);
- an export (a file cannot carry a warning, and a 台账 missing a filter
  would be wrong without saying so) refuses with 400 naming the filters:
  `refuse_errors()`;
- the API (`Params(args, strict=True)`) answers 422 naming the parameter
  (`BadParameter` is a `Refusal`, rendered by the error handler).

    params = Params(request.args)
    department_id = params.id("department_id", _("部门"))
    since = params.date("from", _("起始日期"))
    params.flash_errors()

An id is a positive integer below 2**31 (PostgreSQL's int4): larger digits
would overflow the column's type in the SQL, so they are refused here, never
sent to the database. `parse_id` is the same check for one raw value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any, TypeVar

from flask import abort, flash
from flask_babel import gettext as _

from app.refusals import BadParameter

MAX_ID = 2**31 - 1
TRUE_WORDS = frozenset({"1", "true", "on", "yes"})
FALSE_WORDS = frozenset({"", "0", "false", "off", "no"})
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")

E = TypeVar("E", bound=Enum)


def parse_id(raw: Any) -> int | None:
    """`raw` as a record id (1 … 2**31-1), or None when it is not one."""
    text = str(raw).strip() if raw is not None else ""
    if not text.isdecimal() or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def clean_text(raw: Any, max_length: int = 100) -> str:
    """Free text from a query string: NUL dropped (PostgreSQL refuses it),
    runs of whitespace folded, cut to `max_length`."""
    return " ".join(str(raw or "").replace("\x00", "").split())[:max_length]


class Params:
    """Reads one request's query parameters under the policy above."""

    def __init__(self, args: Mapping[str, Any], *, strict: bool = False) -> None:
        self.args = args
        self.strict = strict
        self.errors: list[str] = []

    def flash_errors(self) -> None:
        """Pages: say which filters were ignored (a warning above the list)."""
        for message in self.errors:
            flash(message, "warning")

    def refuse_errors(self) -> None:
        """Exports: 400 naming every filter that could not be read."""
        if self.errors:
            abort(400, "；".join(self.errors) + _("请修正筛选条件后再导出。"))

    def raw(self, name: str) -> str:
        return clean_text(self.args.get(name), 200)

    def refuse(self, name: str, message: str) -> None:
        """Record a bad value: raise (API) or note it and go on (pages)."""
        if self.strict:
            raise BadParameter(message, name)
        self.errors.append(message)

    def _ignored(self, name: str, label: str, raw: str) -> None:
        self.refuse(name, _("%(label)s「%(value)s」无效，已忽略。", label=label, value=raw[:20]))

    def text(self, name: str, max_length: int = 100) -> str:
        return clean_text(self.args.get(name), max_length)

    def id(self, name: str, label: str) -> int | None:
        raw = self.raw(name)
        if not raw:
            return None
        value = parse_id(raw)
        if value is None:
            self._ignored(name, label, raw)
        return value

    def ids(self, name: str, label: str) -> list[int]:
        """A repeatable or comma-separated id parameter, each value checked."""
        getlist = getattr(self.args, "getlist", None)
        values = getlist(name) if getlist else [self.args.get(name) or ""]
        found: list[int] = []
        for part in (p.strip() for value in values for p in str(value).split(",")):
            if not part:
                continue
            ident = parse_id(part)
            if ident is None:
                self._ignored(name, label, part)
            elif ident not in found:
                found.append(ident)
        return found

    def int(self, name: str, label: str, low: int, high: int, default: int | None = None) -> int | None:
        raw = self.raw(name)
        if not raw:
            return default
        if raw.isdecimal() and len(raw) <= 10 and low <= int(raw) <= high:
            return int(raw)
        self.refuse(name, _("%(label)s应为 %(low)d–%(high)d 的整数，已忽略。", label=label, low=low, high=high))
        return default

    def year(self, name: str, label: str, default: int | None = None) -> int | None:
        return self.int(name, label, 2000, 2100, default)

    def date(self, name: str, label: str) -> dt.date | None:
        raw = self.raw(name)
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            self.refuse(
                name, _("%(label)s「%(value)s」不是有效日期（YYYY-MM-DD），已忽略。", label=label, value=raw[:20])
            )
            return None

    def date_range(
        self, start: str, end: str, start_label: str, end_label: str
    ) -> tuple[dt.date | None, dt.date | None]:
        """Two dates; a range that ends before it starts is ignored whole."""
        since, until = self.date(start, start_label), self.date(end, end_label)
        if since and until and since > until:
            self.refuse(start, _("%(a)s不能晚于%(b)s，日期范围已忽略。", a=start_label, b=end_label))
            return None, None
        return since, until

    def month(self, name: str, label: str) -> dt.date | None:
        """`YYYY-MM` as the first day of that month."""
        raw = self.raw(name)
        if not raw:
            return None
        match = _MONTH.match(raw)
        if match and 2000 <= int(match[1]) <= 2100 and 1 <= int(match[2]) <= 12:
            return dt.date(int(match[1]), int(match[2]), 1)
        self.refuse(name, _("%(label)s「%(value)s」不是有效月份（YYYY-MM），已忽略。", label=label, value=raw[:20]))
        return None

    def flag(self, name: str) -> bool:
        """A checkbox: 1/true/on/yes is set; absent or 0/false/off/no is not."""
        raw = self.raw(name).lower()
        if raw in TRUE_WORDS:
            return True
        if raw not in FALSE_WORDS:
            self.refuse(name, _("开关「%(name)s」的取值「%(value)s」无效，已忽略。", name=name, value=raw[:20]))
        return False

    def choice(self, name: str, label: str, choices: Iterable[str], default: str | None = None) -> str | None:
        raw = self.raw(name)
        if not raw:
            return default
        if raw in set(choices):
            return raw
        self._ignored(name, label, raw)
        return default

    def enum(self, name: str, label: str, enum: type[E]) -> E | None:
        raw = self.raw(name)
        if not raw:
            return None
        try:
            return enum(raw)
        except ValueError:
            self._ignored(name, label, raw)
            return None
