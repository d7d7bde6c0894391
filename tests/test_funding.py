"""Funds received (资金到位): one row per project and month, edits audited,
到位率 in exact Decimal arithmetic."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app import clock
from app.agreements.funding import FundingError, fmt_rate, funding_rate, record_funding
from app.db import db
from app.forms import parse_month
from app.models import AgreementKind, AuditLog, Funding
from tests import factories
from tests import factories_agreements as fa

# --- 到位率 arithmetic --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "agreed", "rate"),
    [
        ("0", "50000", Decimal("0.0")),
        ("15000.5", "45000", Decimal("33.3")),  # 33.3344… rounds down
        ("1", "3", Decimal("33.3")),
        ("2", "3", Decimal("66.7")),  # 66.666… rounds half-up
        ("0.0005", "1", Decimal("0.1")),  # 0.05 → 0.1 (half-up, not banker's)
        ("0.0004", "1", Decimal("0.0")),
        ("45000", "45000", Decimal("100.0")),
        ("60000", "45000", Decimal("133.3")),  # more arrived than agreed is shown, not capped
        ("0.1", "0.3", Decimal("33.3")),  # where float arithmetic would drift
        ("12345678.9012", "98765432.1098", Decimal("12.5")),
    ],
)
def test_funding_rate_is_exact_decimal(received, agreed, rate):
    result = funding_rate(Decimal(received), Decimal(agreed))
    assert isinstance(result, Decimal)
    assert result == rate and result.as_tuple().exponent == -1


@pytest.mark.parametrize("agreed", [None, Decimal("0")])
def test_funding_rate_is_a_dash_when_nothing_is_agreed(agreed):
    assert funding_rate(Decimal("100"), agreed) is None
    assert fmt_rate(funding_rate(Decimal("100"), agreed)) == "—"


def test_rate_formats_with_a_percent_sign():
    assert fmt_rate(Decimal("33.3")) == "33.3%"
    assert funding_rate(None, Decimal("10")) == Decimal("0.0")


@pytest.mark.parametrize(
    ("raw", "month"),
    [("2026-03", dt.date(2026, 3, 1)), ("2026-3", dt.date(2026, 3, 1)), ("2026-03-17", dt.date(2026, 3, 1))],
)
def test_months_are_read_as_their_first_day(raw, month):
    assert parse_month(raw) == month


@pytest.mark.parametrize("raw", ["", "2026", "2026-13", "三月", "2026-03-40-1", None])
def test_unreadable_months(raw):
    assert parse_month(raw) is None


# --- one row per project and month ------------------------------------------------------------


def test_entering_a_month_twice_updates_it_and_audits_both():
    project = fa.project()
    fa.agreement(project)
    admin = fa.actor()
    today = dt.date(2026, 6, 15)
    row, created = record_funding(project, dt.date(2026, 4, 20), Decimal("8000"), admin, "首期", today=today)
    assert created and row.month == dt.date(2026, 4, 1)
    again, created = record_funding(
        project, dt.date(2026, 4, 1), Decimal("8500.25"), admin, "首期（更正）", today=today
    )
    db.session.commit()
    assert not created and again.id == row.id
    assert db.session.scalar(sa.select(sa.func.count(Funding.id))) == 1
    assert again.amount == Decimal("8500.25")
    entries = db.session.scalars(sa.select(AuditLog).where(AuditLog.entity == "funding").order_by(AuditLog.id)).all()
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].changes["amount"] == ["8000.0000", "8500.2500"]


def test_saving_the_same_values_again_writes_no_audit_entry():
    project = fa.project()
    today = dt.date(2026, 6, 15)
    record_funding(project, dt.date(2026, 4, 1), Decimal("8000"), fa.actor(), today=today)
    record_funding(project, dt.date(2026, 4, 1), Decimal("8000.00"), fa.actor(), today=today)
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(AuditLog.entity == "funding")) == 1


@pytest.mark.parametrize(
    ("month", "amount", "field"),
    [
        (dt.date(2026, 7, 1), Decimal("1"), "month"),  # next month
        (dt.date(1999, 12, 1), Decimal("1"), "month"),
        (dt.date(2026, 5, 1), Decimal("-1"), "amount"),
        (dt.date(2026, 5, 1), None, "amount"),
    ],
)
def test_bad_funding_is_refused(month, amount, field):
    project = fa.project()
    with pytest.raises(FundingError) as caught:
        record_funding(project, month, amount, fa.actor(), today=dt.date(2026, 6, 30))
    assert caught.value.field == field
    assert db.session.scalar(sa.select(sa.func.count(Funding.id))) == 0


# --- the page ------------------------------------------------------------------------------------------


def test_staff_enters_and_corrects_funding_on_the_page(client, login_as):
    dept = factories.department()
    login_as("staff", department=dept)
    project = fa.project(department=dept)
    fa.agreement(project, agreed_investment=Decimal("30000"))
    db.session.commit()
    month = clock.today().replace(day=1).strftime("%Y-%m")

    response = client.post(f"/agreements/project/{project.id}/funding", data={"month": month, "amount": "10000"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"已录入 {month} 到位资金" in page and "33.3%" in page

    client.post(f"/agreements/project/{project.id}/funding", data={"month": month, "amount": "12,000", "note": "更正"})
    assert db.session.scalar(sa.select(Funding.amount)) == Decimal("12000")
    assert db.session.scalar(sa.select(sa.func.count(Funding.id))) == 1
    page = client.get(f"/agreements/project/{project.id}/funding?month={month}").get_data(as_text=True)
    assert 'value="12000.0000"' in page or 'value="12000' in page  # the edit link pre-fills the month
    assert "40.0%" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"month": "2999-01", "amount": "1"}, "到位月份不能晚于本月"),
        ({"month": "2026-01", "amount": "-5"}, "金额不能为负数"),
        ({"month": "2026-01", "amount": "abc"}, "当月到位资金（万元）：金额格式无法识别"),
        ({"month": "2026-01", "amount": ""}, "请填写到位金额"),
        ({"month": "一月", "amount": "5"}, "请按“年-月”填写月份"),
        ({"month": "", "amount": "5"}, "请选择到位月份"),
    ],
)
def test_bad_funding_input_is_refused_on_the_page(client, login_as, data, message):
    login_as("admin")
    project = fa.project()
    db.session.commit()
    response = client.post(f"/agreements/project/{project.id}/funding", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Funding.id))) == 0


def test_zero_is_accepted_as_a_correction(client, login_as):
    login_as("admin")
    project = fa.project()
    db.session.commit()
    response = client.post(f"/agreements/project/{project.id}/funding", data={"month": "2026-01", "amount": "0"})
    assert response.status_code == 302


def test_delete_a_month_entered_by_mistake(client, login_as):
    login_as("admin")
    project = fa.project()
    row = fa.funding(project, dt.date(2026, 2, 1), "700")
    db.session.commit()
    assert client.post(f"/agreements/funding/{row.id}/delete").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Funding.id))) == 0
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.entity == "funding", AuditLog.action == "delete"))
    assert entry.changes["amount"] == "700.0000"


@pytest.mark.parametrize(("role", "status"), [("viewer", 403), ("leader", 403)])
def test_read_only_roles_see_funding_but_cannot_enter_it(client, login_as, role, status):
    project = fa.project()
    row = fa.funding(project, dt.date(2026, 2, 1), "700")
    db.session.commit()
    login_as(role)
    page = client.get(f"/agreements/project/{project.id}/funding")
    assert page.status_code == 200 and "700.00" in page.get_data(as_text=True)
    assert "录入 / 修改某月到位资金" not in page.get_data(as_text=True)
    assert (
        client.post(f"/agreements/project/{project.id}/funding", data={"month": "2026-01", "amount": "1"}).status_code
        == status
    )
    assert client.post(f"/agreements/funding/{row.id}/delete").status_code == status
    assert db.session.scalar(sa.select(sa.func.count(Funding.id))) == 1


def test_other_department_gets_404_for_funding(client, login_as):
    project = fa.project(department=factories.department("西城街道"))
    row = fa.funding(project, dt.date(2026, 2, 1), "700")
    db.session.commit()
    login_as("staff", department=factories.department("东城街道"))
    assert client.get(f"/agreements/project/{project.id}/funding").status_code == 404
    assert (
        client.post(f"/agreements/project/{project.id}/funding", data={"month": "2026-01", "amount": "1"}).status_code
        == 404
    )
    assert client.post(f"/agreements/funding/{row.id}/delete").status_code == 404


def test_rate_uses_the_signed_amount_by_the_counting_rule(client, login_as):
    login_as("admin")
    project = fa.project()
    fa.agreement(
        project, kind=AgreementKind.FRAMEWORK, agreed_investment=Decimal("100000"), signed_on=dt.date(2026, 1, 5)
    )
    fa.agreement(
        project, kind=AgreementKind.INVESTMENT, agreed_investment=Decimal("80000"), signed_on=dt.date(2026, 2, 5)
    )
    fa.funding(project, dt.date(2026, 3, 1), "20000")
    db.session.commit()
    page = client.get(f"/agreements/project/{project.id}/funding").get_data(as_text=True)
    assert "25.0%" in page  # 20000 / 80000, not / 180000
