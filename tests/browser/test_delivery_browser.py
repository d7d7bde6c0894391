"""Browser journey of project delivery (issue 18): a team member files the
month's investment report on a phone, the bureau reviews it at a desk, and
the leader's desk changes — the year's completion rises and the light's
"月报未报" reason is gone."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from app import clock
from tests.browser.conftest import LiveServer, has_horizontal_scroll, sign_in
from tests.browser.journey_setup import Console, app_session
from tests.browser.test_journeys import colleague, desk_section, flash  # noqa: F401  (fixture)


def arrange_unreported_project(server: LiveServer) -> tuple[int, str]:
    """A key project of the staff member's department on this year's list,
    the leader's, with the month due not yet reported."""
    from app.delivery import investments, plans
    from app.delivery.schedule import due_month
    from app.models import AnnualPlan, InvestmentReport, Project, Stage, User

    due = due_month(clock.today())
    with app_session(server) as session:
        staff = session.scalar(sa.select(User).where(User.username == "staff"))
        leader = session.scalar(sa.select(User).where(User.username == "leader"))
        admin = session.scalar(sa.select(User).where(User.username == "admin"))
        project = session.scalar(
            sa.select(Project)
            .where(
                Project.lead_department_id == staff.department_id,
                Project.is_key.is_(True),
                Project.stage.in_([Stage.CONSTRUCTION, Stage.LANDED, Stage.SIGNED]),
                Project.archived_at.is_(None),
            )
            .order_by(Project.id)
        )
        assert project is not None, "the demo district has no key project in the staff member's department"
        if (
            session.scalar(
                sa.select(AnnualPlan.id).where(AnnualPlan.project_id == project.id, AnnualPlan.year == due.year)
            )
            is None
        ):
            plans.save_plan(project, due.year, {"planned_investment": project.planned_investment / 4}, admin)
        for report in session.scalars(
            sa.select(InvestmentReport).where(InvestmentReport.project_id == project.id, InvestmentReport.month >= due)
        ):
            session.delete(report)
        session.flush()
        investments.refresh_totals(project, due.year)
        project.responsible_leader_id = leader.id
        return project.id, project.name


def desk_year_cell(page: Any, name: str) -> str:
    row = desk_section(page).locator("table tbody tr", has_text=name)
    assert row.count() == 1, f"{name} is not on the desk"
    return row.locator("td").last.inner_text().strip()


def test_team_member_files_on_a_phone_bureau_reviews_leader_desk_changes(page, phone, colleague, live_server):  # noqa: F811
    leader, bureau = page, colleague
    phone.emulate_media(reduced_motion="reduce")
    consoles = [Console(leader), Console(phone), Console(bureau)]
    project_id, name = arrange_unreported_project(live_server)

    # The leader's desk: the project's year so far, and the missing month as a reason.
    sign_in(leader, live_server, "leader")
    leader.goto(live_server.path("/projects/desk"))
    before = desk_year_cell(leader, name)
    row = desk_section(leader).locator("table tbody tr", has_text=name)
    assert "投资月报未报" in row.inner_text()

    # The team member, on a phone: menu → 投资月报 → 未报 → the project → file.
    sign_in(phone, live_server, "staff")
    phone.locator(".navbar-toggler").click()
    phone.locator("#mainNav.show").wait_for()
    phone.locator("#mainNav .nav-link", has_text="投资月报").click()
    phone.wait_for_url(re.compile(r"/delivery/"))
    phone.get_by_role("link", name=re.compile("未报")).click()
    phone.locator("ul.d-md-none").get_by_role("link", name=name, exact=True).click()
    phone.wait_for_url(re.compile(rf"/delivery/projects/{project_id}"))
    assert not has_horizontal_scroll(phone)
    month = phone.locator("#month")
    assert month.is_visible() and month.input_value()  # the month due, at the top
    phone.locator("#completed").fill("0.2亿")
    phone.locator("#progress").fill("主体结构施工至三层")
    phone.get_by_role("button", name="提交月报").click()
    assert "待审核" in flash(phone)
    assert phone.locator("table tbody tr", has_text="主体结构施工至三层").count() == 1
    assert not has_horizontal_scroll(phone)

    # The bureau reviews it from the list of reports awaiting review.
    sign_in(bureau, live_server, "bureau")
    bureau.goto(live_server.path("/delivery/?status=submitted"))
    bureau.locator("table tbody tr", has_text=name).locator("input[type=checkbox]").check()
    bureau.get_by_role("button", name="审核通过所勾选的月报").click()
    assert "已审核 1 份月报" in flash(bureau)
    bureau.goto(live_server.path(f"/delivery/projects/{project_id}"))
    assert "已审核" in bureau.locator("table tbody tr", has_text="主体结构施工至三层").inner_text()

    # The leader's desk has changed.
    leader.reload()
    after = desk_year_cell(leader, name)
    assert after != before
    assert "投资月报未报" not in desk_section(leader).locator("table tbody tr", has_text=name).inner_text()
    for console in consoles:
        console.assert_clean()
