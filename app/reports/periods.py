"""Report periods: the presets leaders ask for (本月, 本季度, 本年, 上半年)
and a custom range, parsed from the query string with clear Chinese messages
for bad input (an end before the start, a year of 0 or 99999, a date that is
not a date)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.refusals import Refusal

MIN_YEAR = 2000
MAX_YEAR = 2100

PRESETS = {
    "week": _l("本周"),
    "month": _l("本月"),
    "quarter": _l("本季度"),
    "year": _l("本年"),
    "h1": _l("上半年"),
    "custom": _l("自定义"),
}


class ReportInputError(Refusal, ValueError):
    """Bad report input; the message is shown to the user as it is."""


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    preset: str

    @property
    def label(self) -> str:
        span = f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"
        if self.preset == "custom":
            return span
        return f"{PRESETS[self.preset]}（{span}）"

    @property
    def year(self) -> int:
        return self.start.year

    def args(self) -> dict[str, str]:
        """Explicit query arguments that reproduce this period (drill-downs
        carry dates, so a link made on the 31st still means the same days)."""
        return {"period": "custom", "start": self.start.isoformat(), "end": self.end.isoformat()}


def parse_year(raw: str | None, today: dt.date) -> int:
    if raw in (None, ""):
        return today.year
    try:
        year = int(str(raw).strip())
    except ValueError:
        raise ReportInputError(
            _("年份「%(value)s」无效，请输入 %(a)d–%(b)d 之间的年份。", value=str(raw)[:20], a=MIN_YEAR, b=MAX_YEAR)
        ) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ReportInputError(
            _("年份 %(value)d 超出范围，请输入 %(a)d–%(b)d 之间的年份。", value=year, a=MIN_YEAR, b=MAX_YEAR)
        )
    return year


def parse_date(raw: str | None, what: str, field: str | None = None) -> dt.date | None:
    if raw in (None, ""):
        return None
    try:
        value = dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ReportInputError(
            _("%(what)s「%(value)s」不是有效日期（格式：2026-01-31）。", what=what, value=str(raw)[:20]), field
        ) from None
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ReportInputError(_("%(what)s的年份须在 %(a)d–%(b)d 之间。", what=what, a=MIN_YEAR, b=MAX_YEAR), field)
    return value


def preset_period(preset: str, year: int, today: dt.date) -> Period:
    """The preset for `year`; 本周/本月/本季度 use today's week/month/quarter
    in that year (a week runs Monday to Sunday, across a month's end)."""
    if preset == "week":
        day = today.replace(year=year) if not (today.month == 2 and today.day == 29) else dt.date(year, 2, 28)
        monday = day - dt.timedelta(days=day.weekday())
        return Period(monday, monday + dt.timedelta(days=6), preset)
    if preset == "month":
        last = calendar.monthrange(year, today.month)[1]
        return Period(dt.date(year, today.month, 1), dt.date(year, today.month, last), preset)
    if preset == "quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        last = calendar.monthrange(year, first_month + 2)[1]
        return Period(dt.date(year, first_month, 1), dt.date(year, first_month + 2, last), preset)
    if preset == "h1":
        return Period(dt.date(year, 1, 1), dt.date(year, 6, 30), preset)
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")


def parse_period(args: Mapping[str, str], today: dt.date, default: str = "year") -> Period:
    """The period named by `period` (a preset, or `custom` with `start` and
    `end`), for `year` (default: this year)."""
    preset = (args.get("period") or default).strip()
    if preset not in PRESETS:
        raise ReportInputError(_("统计期间「%(value)s」无效。", value=preset[:20]))
    if preset != "custom":
        return preset_period(preset, parse_year(args.get("year"), today), today)
    start = parse_date(args.get("start"), _("开始日期"), "start")
    end = parse_date(args.get("end"), _("结束日期"), "end")
    if start is None or end is None:
        raise ReportInputError(_("自定义期间须同时填写开始日期和结束日期。"), "start" if start is None else "end")
    if end < start:
        raise ReportInputError(
            _(
                "结束日期（%(end)s）早于开始日期（%(start)s），请重新选择。",
                end=end.isoformat(),
                start=start.isoformat(),
            ),
            "end",
        )
    return Period(start, end, "custom")
