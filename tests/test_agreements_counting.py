"""The counting rule for signed projects (统计口径), in SQL
(`signed_amount_subquery`, for GROUP BY reports) and in Python
(`signed_amount`, for one project's panel): the two must agree."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.agreements.services import counted_amount, signed_amount, signed_amount_subquery
from app.db import db, utcnow
from app.models import Agreement, AgreementKind, Project
from tests import factories
from tests import factories_agreements as fa

FW, INV, SUP = AgreementKind.FRAMEWORK, AgreementKind.INVESTMENT, AgreementKind.SUPPLEMENTARY
D = dt.date


def sql_rows(**kwargs) -> dict[int, tuple]:
    s = signed_amount_subquery(**kwargs)
    return {
        r.project_id: (r.signed_amount, r.first_signed_on, r.agreement_count) for r in db.session.execute(sa.select(s))
    }


# (kind, signed_on, amount, capital increase, archived) rows → expected signed amount
CASES = {
    "one investment agreement": ([(INV, D(2026, 3, 1), "50000", False, False)], "50000"),
    "framework then investment: the latest amount": (
        [(FW, D(2026, 1, 1), "30000", False, False), (INV, D(2026, 3, 1), "52000", False, False)],
        "52000",
    ),
    "investment then a lower framework restatement: still the latest": (
        [(INV, D(2026, 1, 1), "30000", False, False), (FW, D(2026, 3, 1), "20000", False, False)],
        "20000",
    ),
    "capital increase adds only the increase": (
        [(INV, D(2026, 1, 1), "50000", False, False), (SUP, D(2026, 6, 1), "8000", True, False)],
        "58000",
    ),
    "two increases add up": (
        [
            (INV, D(2026, 1, 1), "50000", False, False),
            (SUP, D(2026, 6, 1), "8000", True, False),
            (SUP, D(2026, 7, 1), "2000.5", True, False),
        ],
        "60000.5",
    ),
    "a supplementary agreement that is no increase changes nothing": (
        [(INV, D(2026, 1, 1), "50000", False, False), (SUP, D(2026, 6, 1), "99999", False, False)],
        "50000",
    ),
    "an increase before a later investment agreement is restated by it": (
        [
            (FW, D(2026, 1, 1), "30000", False, False),
            (SUP, D(2026, 2, 1), "5000", True, False),
            (INV, D(2026, 3, 1), "40000", False, False),
        ],
        "40000",
    ),
    "archived agreements do not count": (
        [(FW, D(2026, 1, 1), "30000", False, False), (INV, D(2026, 3, 1), "52000", False, True)],
        "30000",
    ),
    "only increases (the original predates the system)": ([(SUP, D(2026, 6, 1), "8000", True, False)], "8000"),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_signed_amount_rule(case):
    rows, expected = CASES[case]
    project = fa.project()
    for kind, signed_on, amount, increase, archived in rows:
        fa.raw_agreement(
            project,
            kind=kind,
            signed_on=signed_on,
            agreed_investment=Decimal(amount),
            is_capital_increase=increase,
        ).archived_at = utcnow() if archived else None
    db.session.commit()
    agreements = list(db.session.scalars(sa.select(Agreement).where(Agreement.project_id == project.id)))
    assert signed_amount(agreements) == Decimal(expected)
    assert sql_rows()[project.id][0] == Decimal(expected)


def test_same_day_agreements_are_ordered_by_entry():
    project = fa.project()
    fa.raw_agreement(project, kind=FW, signed_on=D(2026, 3, 1), agreed_investment=Decimal(1000))
    fa.raw_agreement(project, kind=INV, signed_on=D(2026, 3, 1), agreed_investment=Decimal(2000))
    fa.raw_agreement(
        project, kind=SUP, signed_on=D(2026, 3, 1), agreed_investment=Decimal(300), is_capital_increase=True
    )
    db.session.commit()
    assert sql_rows()[project.id][0] == Decimal(2300)
    assert signed_amount(project.agreements) == Decimal(2300)


def test_a_project_counts_once_at_its_first_signing():
    project = fa.project()
    fa.raw_agreement(project, kind=FW, signed_on=D(2025, 11, 20))
    fa.raw_agreement(project, kind=INV, signed_on=D(2026, 3, 18))
    db.session.commit()
    _amount, first, count = sql_rows()[project.id]
    assert first == D(2025, 11, 20) and count == 2


def test_as_of_gives_the_value_on_a_date():
    project = fa.project()
    fa.raw_agreement(project, kind=FW, signed_on=D(2025, 11, 20), agreed_investment=Decimal(30000))
    fa.raw_agreement(project, kind=INV, signed_on=D(2026, 3, 18), agreed_investment=Decimal(52000))
    db.session.commit()
    assert sql_rows(as_of=D(2025, 12, 31))[project.id][0] == Decimal(30000)
    assert signed_amount(project.agreements, as_of=D(2025, 12, 31)) == Decimal(30000)
    assert project.id not in sql_rows(as_of=D(2025, 1, 1))
    assert signed_amount(project.agreements, as_of=D(2025, 1, 1)) is None


def test_projects_without_live_agreements_have_no_row():
    project = fa.project()
    fa.raw_agreement(project).archived_at = utcnow()
    db.session.commit()
    assert project.id not in sql_rows()


def test_the_subquery_serves_a_group_by_report():
    """What the reports engineer does with it: signed projects and amount per
    lead department."""
    east, west = factories.department("东城街道"), factories.department("西城街道")
    a = fa.project(department=east)
    fa.raw_agreement(a, kind=FW, signed_on=D(2026, 1, 1), agreed_investment=Decimal(30000))
    fa.raw_agreement(a, kind=INV, signed_on=D(2026, 3, 1), agreed_investment=Decimal(52000))
    b = fa.project(department=east)
    fa.raw_agreement(b, kind=INV, signed_on=D(2026, 2, 1), agreed_investment=Decimal(10000))
    fa.raw_agreement(b, kind=SUP, signed_on=D(2026, 5, 1), agreed_investment=Decimal(1500), is_capital_increase=True)
    c = fa.project(department=west)
    fa.raw_agreement(c, kind=INV, signed_on=D(2026, 4, 1), agreed_investment=Decimal(7000))
    fa.project(department=west)  # not signed
    db.session.commit()

    s = signed_amount_subquery()
    rows = db.session.execute(
        sa.select(Project.lead_department_id, sa.func.count(), sa.func.sum(s.c.signed_amount))
        .join(s, s.c.project_id == Project.id)
        .group_by(Project.lead_department_id)
    ).all()
    assert {r[0]: (r[1], Decimal(r[2])) for r in rows} == {
        east.id: (2, Decimal(63500)),
        west.id: (1, Decimal(7000)),
    }


def test_sql_and_python_agree_on_random_histories():
    rng = random.Random(5)
    projects = []
    for _ in range(25):
        project = fa.project()
        projects.append(project)
        for _n in range(rng.randint(1, 5)):
            kind = rng.choice([FW, INV, SUP])
            row = fa.raw_agreement(
                project,
                kind=kind,
                signed_on=D(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 40)),
                agreed_investment=Decimal(rng.randint(0, 900000)) / 100,
                is_capital_increase=kind is SUP and rng.random() < 0.6,
            )
            if rng.random() < 0.15:
                row.archived_at = utcnow()
    db.session.commit()
    in_sql = sql_rows()
    for project in projects:
        db.session.refresh(project)
        expected = signed_amount(project.agreements)
        got = in_sql.get(project.id, (None,))[0]
        assert (got is None and expected is None) or Decimal(got) == expected, project.id


@pytest.mark.parametrize(
    ("kind", "increase", "counted"),
    [(FW, False, "100"), (INV, False, "100"), (SUP, True, "100"), (SUP, False, "0")],
)
def test_counted_amount_of_one_agreement(kind, increase, counted):
    agreement = Agreement(kind=kind, is_capital_increase=increase, agreed_investment=Decimal(100))
    assert counted_amount(agreement) == Decimal(counted)
