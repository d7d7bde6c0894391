"""督办 escalation, shared by every record that has a deadline and someone
who owes an answer (problems, approval items): one level per overdue week —
days 1–7 蓝, 8–14 黄, 15 and more 红 督办. The level in Python for one record
and as a SQL CASE over a deadline column, with bound dates computed from
`today` (never SQL date arithmetic), so SQLite and PostgreSQL agree."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

WEEK = 7


class Escalation(enum.IntEnum):
    """Escalation level of an overdue record (督办等级)."""

    NONE = 0
    BLUE = 1
    YELLOW = 2
    RED = 3

    @property
    def label(self) -> str:
        return str(_ESCALATION_LABELS[self])

    @property
    def key(self) -> str:
        return self.name.lower()

    @classmethod
    def from_key(cls, key: str | None) -> Escalation | None:
        for level in cls:
            if level is not cls.NONE and level.key == key:
                return level
        return None


_ESCALATION_LABELS = {
    Escalation.NONE: _l("未超期"),
    Escalation.BLUE: _l("蓝色督办"),
    Escalation.YELLOW: _l("黄色督办"),
    Escalation.RED: _l("红色督办"),
}


def escalation_for_days(days: int) -> Escalation:
    if days <= 0:
        return Escalation.NONE
    if days <= WEEK:
        return Escalation.BLUE
    if days <= 2 * WEEK:
        return Escalation.YELLOW
    return Escalation.RED


def escalation_case(
    deadline: sa.ColumnElement[dt.date], overdue: sa.ColumnElement[bool], today: dt.date
) -> sa.ColumnElement[int]:
    """0 (not overdue), 1 蓝, 2 黄, 3 红 for rows where `overdue` holds."""
    return sa.case(
        (~overdue, sa.literal(int(Escalation.NONE))),
        (deadline < today - dt.timedelta(days=2 * WEEK), sa.literal(int(Escalation.RED))),
        (deadline < today - dt.timedelta(days=WEEK), sa.literal(int(Escalation.YELLOW))),
        else_=sa.literal(int(Escalation.BLUE)),
    )


def level_condition(
    level: Escalation, deadline: sa.ColumnElement[dt.date], overdue: sa.ColumnElement[bool], today: dt.date
) -> sa.ColumnElement[bool]:
    """Rows at exactly `level` (a range of deadlines, so it uses an index)."""
    if level is Escalation.NONE:
        return ~overdue
    newest = today - dt.timedelta(days=WEEK * (int(level) - 1))  # deadline < newest
    condition = sa.and_(overdue, deadline < newest)
    if level is not Escalation.RED:
        condition = sa.and_(condition, deadline >= today - dt.timedelta(days=WEEK * int(level)))
    return condition
