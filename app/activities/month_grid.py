"""The month calendar's layout (no SQL): weeks Monday first, each activity
a bar across the days it covers — cut at the week's edges (marked as
continuing) and at the grid's first and last day — stacked in lanes so that
bars never overlap; and, for a phone, the month as a list of days."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.models import Activity

WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")


@dataclass(frozen=True)
class Segment:
    """One activity's bar within one week: columns 1–7 (Monday = 1)."""

    activity: Activity
    first: dt.date
    last: dt.date
    column: int
    span: int
    continues_before: bool
    continues_after: bool


@dataclass
class Week:
    days: list[dt.date]
    lanes: list[list[Segment]] = field(default_factory=list)


@dataclass(frozen=True)
class DayEntry:
    activity: Activity
    day_number: int  # the activity's nth day


def grid_days(month: dt.date) -> list[list[dt.date]]:
    """The weeks shown for `month` (first of month), Monday first, with the
    neighbouring months' days that fill the first and last week."""
    return calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)


def month_weeks(month: dt.date, activities: Iterable[Activity]) -> list[Week]:
    """The weeks of `month` with the bars of `activities` (given earliest
    first) laid out in lanes."""
    weeks = [Week(days) for days in grid_days(month)]
    ordered = list(activities)
    for week in weeks:
        monday, sunday = week.days[0], week.days[-1]
        for activity in ordered:
            if activity.end_on < monday or activity.start_on > sunday:
                continue
            first, last = max(activity.start_on, monday), min(activity.end_on, sunday)
            segment = Segment(
                activity,
                first,
                last,
                column=(first - monday).days + 1,
                span=(last - first).days + 1,
                continues_before=activity.start_on < first,
                continues_after=activity.end_on > last,
            )
            _place(week.lanes, segment)
    return weeks


def _place(lanes: list[list[Segment]], segment: Segment) -> None:
    """Into the first lane whose bars all end before `segment` starts
    (segments arrive in order of their first day)."""
    for lane in lanes:
        if lane[-1].last < segment.first:
            lane.append(segment)
            return
    lanes.append([segment])


def day_list(month: dt.date, activities: Iterable[Activity]) -> list[tuple[dt.date, list[DayEntry]]]:
    """The days of `month` on which something happens, each with the
    activities under way that day (a phone's agenda)."""
    ordered = list(activities)
    days = []
    for number in range(1, calendar.monthrange(month.year, month.month)[1] + 1):
        day = month.replace(day=number)
        entries = [DayEntry(a, (day - a.start_on).days + 1) for a in ordered if a.start_on <= day <= a.end_on]
        if entries:
            days.append((day, entries))
    return days


def shift_month(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)
