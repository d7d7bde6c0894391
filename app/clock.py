"""The one clock: "today" and "now" in the configured zone.

Every date a person sees or a rule checks — a visit "not later than today",
a default date on a form, a lead clock, a light, a report's date — comes from
here, in `APP_TIMEZONE` (default Asia/Shanghai), never from the server's own
`date.today()`: a server in UTC is a day behind Beijing from 00:00 to 08:00.
Timestamps are stored as naive UTC (`utcnow()`); `local()` turns one back
into the zone's wall time.

Tests (and the benchmark) may set the clock to a chosen moment with `set_to`;
by default it then keeps ticking from there, so records written one after the
other keep their order.
"""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_ZONE = "Asia/Shanghai"

_set_at: tuple[dt.datetime, float] | None = None  # (the moment set, monotonic time when set)
_ticking = True


def zone() -> ZoneInfo:
    """The configured zone (APP_TIMEZONE)."""
    name = current_app.config.get("APP_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or DEFAULT_ZONE)


def utcnow() -> dt.datetime:
    """Now, as the naive UTC the DateTime columns store."""
    if _set_at is None:
        return dt.datetime.now(dt.UTC).replace(tzinfo=None)
    moment, since = _set_at
    if _ticking:
        moment += dt.timedelta(seconds=time.monotonic() - since)
    return moment


def now() -> dt.datetime:
    """Now in the configured zone (timezone-aware)."""
    return utcnow().replace(tzinfo=dt.UTC).astimezone(zone())


def today() -> dt.date:
    """Today's date in the configured zone."""
    return now().date()


def local(moment: dt.datetime) -> dt.datetime:
    """A stored timestamp (naive UTC, or aware) as wall time in the zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone())


def start_of(day: dt.date) -> dt.datetime:
    """The zone's midnight at the start of `day`, as stored naive UTC."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone()).astimezone(dt.UTC).replace(tzinfo=None)


def set_to(moment: dt.datetime | None, *, ticking: bool = True) -> None:
    """Set the clock to `moment` (aware, or naive UTC); None gives the real
    clock back. For tests and the benchmark only."""
    global _set_at, _ticking
    if moment is None:
        _set_at = None
        return
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    _set_at = (moment, time.monotonic())
    _ticking = ticking
