"""Working days: the State Council's calendar of statutory holidays and the
weekend days worked in exchange (调休), from the pinned `chinese-calendar`
library, with the district's own overrides (`WorkdayOverride`, kept by the
admin) on top: a working Saturday counts, a holiday weekday does not.

A year the library does not know yet (it ships each year's calendar after
the State Council publishes it, usually in November) falls back to Monday to
Friday plus the overrides; the admin's calendar page says so, and the
overrides can fill the year in until the library is upgraded.

The overrides are read once and kept per app process for
`WORKDAY_CACHE_SECONDS` (default 300): a change made on this server counts at
once (`forget()`), other servers sharing the database see it within that
time. None keeps them until `forget()` (the test suite).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass

import chinese_calendar
import sqlalchemy as sa
from flask import current_app

from app.db import db
from app.models import WorkdayOverride

_CACHE_KEY = "workdays"
_HOLIDAY_NAMES = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}


def official_workday(day: dt.date) -> bool:
    """The State Council's answer (Monday to Friday for a year not yet known)."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def knows_year(year: int) -> bool:
    """Whether the library has the State Council's calendar for `year`."""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@dataclass(frozen=True)
class OfficialDay:
    day: dt.date
    is_workday: bool
    name: str  # the holiday's Chinese name (春节, 国庆节 …), or ""


def official_exceptions(year: int) -> list[OfficialDay]:
    """The days of `year` the State Council calendar treats unlike an
    ordinary week: holidays on weekdays and working weekend days."""
    if not knows_year(year):
        return []
    days = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        working = chinese_calendar.is_workday(day)
        if working != (day.weekday() < 5):
            _on_holiday, name = chinese_calendar.get_holiday_detail(day)
            days.append(OfficialDay(day, working, _HOLIDAY_NAMES.get(name or "", name or "")))
        day += dt.timedelta(days=1)
    return days


@dataclass(frozen=True)
class WorkCalendar:
    overrides: Mapping[dt.date, bool]

    def is_workday(self, day: dt.date) -> bool:
        found = self.overrides.get(day)
        return official_workday(day) if found is None else found

    def add_workdays(self, day: dt.date, count: int) -> dt.date:
        """The date `count` working days after `day` (a lead received on the
        eve of 春节 with one working day is due after the holiday)."""
        current = day
        while count > 0:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                count -= 1
        return current


def calendar() -> WorkCalendar:
    """The working-day calendar, overrides included (cached, see above)."""
    ttl = current_app.config.get("WORKDAY_CACHE_SECONDS", 300)
    cached = current_app.extensions.get(_CACHE_KEY)
    if cached is not None and (ttl is None or time.monotonic() - cached[0] < ttl):
        return cached[1]
    rows = db.session.execute(sa.select(WorkdayOverride.day, WorkdayOverride.is_workday))
    loaded = WorkCalendar({day: working for day, working in rows})  # noqa: C416 (rows, not pairs)
    current_app.extensions[_CACHE_KEY] = (time.monotonic(), loaded)
    return loaded


def forget() -> None:
    """Drop this process's copy of the overrides (after a change)."""
    current_app.extensions.pop(_CACHE_KEY, None)
