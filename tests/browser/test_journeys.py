"""The six journeys of issue 10 in a real browser, each on its own fresh copy
of the demo district: what office staff and leaders do, through the pages
they use (forms filled, buttons clicked, text read), with no console errors
(script errors, CSP violations, failed assets) on the way.

Each journey stands alone. Where a journey continues an earlier one, the
earlier outcome is arranged first through the services (the same calls the
pages make), so a journey never depends on another test having run."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

from app import clock
from tests.browser.conftest import has_horizontal_scroll, sign_in, sign_out
from tests.browser.journey_setup import (
    Console,
    arrange_agreement_and_problem,
    arrange_key_project,
    arrange_lead_with_visit,
    company_followed_elsewhere,
    project_state,
    staff_of_another_department,
)


def nav_to(page: Any, text: str) -> None:
    """Follow a link of the main menu (opening it first on a phone)."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and page.locator("#mainNav.show").count() == 0:
        toggler.click()
    link = page.locator("#mainNav .nav-link", has_text=text).first
    link.wait_for(state="visible")
    follow(page, link)


def follow(page: Any, target: Any) -> None:
    """Click a link or submit button and wait for the page it loads."""
    with page.expect_navigation():
        target.click()


def flash(page: Any) -> str:
    return page.locator(".alert").first.inner_text()


# --- 1. a lead for a company another department follows ------------------------------


def test_staff_registers_a_lead_sees_the_conflict_logs_a_visit_and_finds_the_follow_up(page, live_server):
    console = Console(page)
    company, other_department = company_followed_elsewhere(live_server)
    today = clock.today().isoformat()

    sign_in(page, live_server, "staff")
    nav_to(page, "招商线索")
    follow(page, page.get_by_role("link", name="登记线索"))
    page.locator("#company_name").fill(company)

    # The live check names the department that already follows the company.
    match = page.locator("#company-check .list-group-item").filter(has=page.get_by_text(company, exact=True))
    match.get_by_text("撞单提醒").wait_for()
    assert other_department in match.get_by_text("撞单提醒").inner_text()
    match.get_by_role("button", name="选用").click()
    page.locator("#company-picked").wait_for(state="visible")
    page.get_by_label("投资意向").fill("拟设立华中区域软件研发中心")
    page.get_by_label("招商方式").select_option(label="外出招商")
    page.get_by_label("产业类别").select_option(label="科技服务")
    page.get_by_label("意向投资额（万元）").fill("8000")
    follow(page, page.locator("#lead-form button[type=submit]"))

    # Saving asks to confirm the 撞单, naming the department again.
    warning = page.locator(".alert-danger", has_text="撞单提醒")
    warning.wait_for()
    assert company in warning.inner_text() and other_department in warning.inner_text()
    page.locator("#confirm_duplicate").check()
    follow(page, page.locator("#lead-form button[type=submit]"))

    page.wait_for_url(re.compile(r"/leads/\d+$"))
    assert "该企业已有其他部门跟进，已标记撞单" in flash(page)
    assert page.locator("h1").inner_text() == company
    assert page.locator(".badge", has_text="撞单").first.is_visible()
    assert other_department in page.locator(".alert-danger", has_text="撞单提醒").inner_text()

    # A visit with a follow-up date, from the lead's page.
    page.get_by_role("button", name="记录拜访").click()
    visit_form = page.locator("#quick-visit form")
    visit_form.wait_for(state="visible")
    visit_form.get_by_label("拜访日期").fill(today)
    visit_form.get_by_label("对接方式").select_option(label="来访接待")
    visit_form.get_by_label("对接情况").fill("企业副总裁来访，介绍研发中心选址需求。")
    visit_form.get_by_label("下一步计划").fill("陪同考察软件园楼宇")
    visit_form.get_by_label("下次跟进日期").fill(today)
    follow(page, visit_form.get_by_role("button", name="保存拜访记录"))
    page.wait_for_url(re.compile(r"/leads/\d+#visits$"))
    assert "拜访记录已保存" in flash(page)
    assert page.locator(".badge", has_text="已对接").first.is_visible()  # the first visit moves the lead
    assert "企业副总裁来访" in page.locator("#visits").inner_text()

    # The follow-up waits on the home page.
    nav_to(page, "工作台")
    panel = page.locator(".card", has_text="我的待跟进")
    item = panel.locator("li", has_text=company)
    assert item.count() == 1
    assert f"应于 {today} 跟进" in item.inner_text()
    assert "陪同考察软件园楼宇" in item.inner_text()
    console.assert_clean()


# --- 2. the lead becomes a key project with its five ones ---------------------------


def test_admin_converts_the_lead_to_a_key_project_and_completes_the_five_ones(page, live_server):
    console = Console(page)
    lead = arrange_lead_with_visit(live_server)
    in_a_month = (clock.today() + dt.timedelta(days=30)).isoformat()
    in_three_months = (clock.today() + dt.timedelta(days=90)).isoformat()

    sign_in(page, live_server, "admin")
    page.goto(live_server.path(f"/leads/{lead.id}"))
    follow(page, page.get_by_role("link", name="转为项目"))
    page.get_by_label("重点项目").check()
    page.get_by_label("责任领导").select_option(label=lead.leader_label)
    page.get_by_label("牵头部门").select_option(label=lead.department)
    follow(page, page.locator("form button[type=submit]", has_text="转为项目"))

    page.wait_for_url(re.compile(r"/projects/\d+$"))
    project_id = int(page.url.rsplit("/", 1)[1])
    assert "进入招引库" in flash(page)
    assert page.locator("h1 .badge", has_text="重点项目").is_visible()
    five_ones = page.locator("#five-ones")
    assert "待落实" in five_ones.inner_text()

    # Team and plan on the five-ones page.
    follow(page, page.get_by_role("link", name="落实五个一"))
    # The picker itself is tried the user's way in test_multiselect_browser.py; here the
    # journey sets the members on the form's select, which the picker keeps in step.
    page.locator("select#team_ids").select_option(label=lead.team_labels, force=True)
    assert "当前成员" not in page.locator("main").inner_text()  # the chips are the members
    page.get_by_label("推进方案（一套方案）").fill("一月内完成选址，三月内签订投资协议，年内开工。")
    follow(page, page.get_by_role("button", name="保存"))
    page.wait_for_url(re.compile(rf"/projects/{project_id}#five-ones$"))
    assert "五个一落实情况已保存" in flash(page)

    # Two milestones with due dates on the project page.
    plan = page.locator("#plan")
    for name, due in (("完成项目选址", in_a_month), ("签订投资协议", in_three_months)):
        plan.get_by_label("节点名称").fill(name)
        plan.get_by_label("计划完成日期").fill(due)
        follow(page, plan.get_by_role("button", name="添加节点"))
        page.wait_for_url(re.compile(rf"/projects/{project_id}#plan$"))
        assert "已添加时间节点" in flash(page)
    rows = page.locator("#plan tbody tr")
    assert rows.count() == 2
    assert "完成项目选址" in rows.nth(0).inner_text() and "签订投资协议" in rows.nth(1).inner_text()

    five_ones = page.locator("#five-ones")
    assert five_ones.locator(".badge", has_text="已全部落实").is_visible()
    assert five_ones.locator(".no").count() == 0
    assert five_ones.locator(".ok").count() == 5
    assert lead.leader_name in five_ones.inner_text()
    team = page.locator(".card", has=page.locator("h2", has_text="工作专班")).inner_text()
    assert all(label.split("（")[0] in team for label in lead.team_labels)

    state = project_state(live_server, project_id)
    assert state["is_key"] and state["stage"] == "attracting" and state["five_ones_complete"]
    assert state["lead_id"] == lead.id and state["milestones"] == 2
    console.assert_clean()


# --- 3. the leader's instruction, the team's acknowledgement, a problem and the light ---


def desk_section(page: Any) -> Any:
    return page.locator("section", has=page.locator("#desk-title"))


def desk_light(page: Any, project: str) -> str:
    """The light the leader's desk (wide layout) shows for a project."""
    row = desk_section(page).locator("table tbody tr", has_text=project)
    assert row.count() == 1, f"{project} is not on the desk"
    return row.locator(".light-badge").inner_text().strip()


@pytest.fixture
def colleague(browser: Any) -> Iterator[Any]:
    """A second person at their own computer (a browser context of its own)."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    context.set_default_timeout(15000)
    yield context.new_page()
    context.close()


def test_leader_instructs_team_acknowledges_problem_is_raised_and_closed_light_follows(page, colleague, live_server):
    leader, staff = page, colleague
    consoles = [Console(leader), Console(staff)]
    project = arrange_key_project(live_server)
    in_ten_days = (clock.today() + dt.timedelta(days=10)).isoformat()
    sign_in(leader, live_server, "leader")
    sign_in(staff, live_server, "staff")

    # The leader finds the project on the desk of the home page, green.
    assert desk_light(leader, project.name) == "绿灯"
    follow(leader, desk_section(leader).get_by_role("link", name=project.name).first)
    leader.wait_for_url(live_server.path(f"/projects/{project.id}"))
    assert leader.locator(".project-light").inner_text().startswith("绿灯")
    instructions = leader.locator("#instructions")
    instructions.get_by_label("批示内容").fill("请专班本周内对接企业总部，尽快确定选址。")
    follow(leader, instructions.get_by_role("button", name="发出批示"))
    assert "批示已发出，待工作专班签收" in flash(leader)
    assert "待工作专班签收" in leader.locator("#instructions").inner_text()

    # The team member sees it waiting on the home page and acknowledges it.
    staff.reload()
    waiting = staff.locator("section", has_text="待办理的领导批示")
    assert "请专班本周内对接企业总部" in waiting.inner_text()
    follow(staff, waiting.get_by_role("link", name=project.name))
    staff.wait_for_url(re.compile(rf"/projects/{project.id}#instruction-\d+$"))
    item = staff.locator("#instructions li", has_text="请专班本周内对接企业总部")
    item.get_by_placeholder("落实情况（可选）").fill("已约定下周三赴企业总部对接。")
    follow(staff, item.get_by_role("button", name="签收"))
    assert "已签收批示" in flash(staff)
    assert "签收：孙丽娜" in staff.locator("#instructions").inner_text()

    # The team answers in writing; the leader reads the answer and closes it (办结).
    item = staff.locator("#instructions li", has_text="请专班本周内对接企业总部")
    item.get_by_label("办理情况反馈").fill("已赴企业总部对接，选址意向为东区地块。")
    follow(staff, item.get_by_role("button", name="提交反馈"))
    assert "已反馈办理情况，待领导办结" in flash(staff)
    leader.reload()
    item = leader.locator("#instructions li", has_text="请专班本周内对接企业总部")
    assert "已赴企业总部对接" in item.inner_text()
    follow(leader, item.get_by_role("button", name="办结"))
    assert "批示已办结" in flash(leader)
    assert "已办结：" in leader.locator("#instructions").inner_text()

    # A problem raised from the project page turns the light yellow.
    problems = staff.locator("#problems")
    problems.get_by_label("问题类别").select_option(label="土地")
    problems.get_by_label("问题描述").fill("意向地块尚未完成收储，需自然资源部门协调。")
    follow(staff, problems.get_by_role("button", name="上报问题"))
    staff.wait_for_url(re.compile(r"/problems/\d+$"))
    problem_url = staff.url
    assert "问题已上报，等待交办" in flash(staff)
    follow(staff, staff.get_by_role("link", name=project.name).first)
    light = staff.locator(".project-light")
    assert light.inner_text().startswith("黄灯")
    assert "问题" in light.inner_text()

    # The leader sees yellow on the desk, and assigns the problem from it.
    nav_to(leader, "工作台")
    assert desk_light(leader, project.name) == "黄灯"
    follow(leader, desk_section(leader).get_by_role("link", name=re.compile(f"{project.name}：意向地块")))
    assert leader.url == problem_url
    assign = leader.locator("form", has=leader.get_by_role("button", name="交办"))
    assign.get_by_label("责任部门").select_option(label=project.department)
    assign.get_by_label("办理时限").fill(in_ten_days)
    follow(leader, assign.get_by_role("button", name="交办"))
    assert "已交办" in flash(leader)

    # The responsible department answers it from its home page.
    nav_to(staff, "工作台")
    follow(
        staff, staff.locator("section", has_text="交办我部门的问题").get_by_role("link", name=re.compile(project.name))
    )
    assert staff.url == problem_url
    staff.get_by_label("办理结果").fill("已协调区自然资源局，地块收储本月完成。")
    follow(staff, staff.get_by_role("button", name="提交反馈"))
    assert "已反馈办理结果，等待销号" in flash(staff)

    # The leader accepts the answer (销号) from the desk; the light is green again.
    nav_to(leader, "工作台")
    follow(leader, desk_section(leader).get_by_role("link", name=re.compile(f"{project.name}：意向地块")))
    assert leader.url == problem_url
    follow(leader, leader.get_by_role("button", name="确认解决，销号"))
    assert "问题已销号" in flash(leader)
    assert leader.locator(".problem-status", has_text="已销号").is_visible()
    nav_to(leader, "工作台")
    assert desk_light(leader, project.name) == "绿灯"
    for console in consoles:
        console.assert_clean()


# --- 4. a signed agreement with its scan, downloaded by the leader only -------------------


def small_pdf() -> bytes:
    """A one-page PDF, enough for the upload's content check."""
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    )
    return body + b"trailer<</Root 1 0 R>>\n%%EOF\n"


def test_staff_records_a_signed_agreement_the_leader_downloads_it_other_departments_get_404(page, live_server):
    console = Console(page)
    project = arrange_key_project(live_server)
    other_staff = staff_of_another_department(live_server, project.department)
    pdf = small_pdf()

    sign_in(page, live_server, "staff")
    page.goto(live_server.path(f"/projects/{project.id}"))
    assert page.locator(".breadcrumb").inner_text().count("招引库") == 1
    follow(page, page.locator("#agreements").get_by_role("link", name="录入协议"))
    assert "保存后将按签约日期进入签约阶段" in page.locator(".alert-info").inner_text()
    page.get_by_label("协议类型").select_option(label="投资协议")
    page.get_by_label("协议投资额（万元）").fill("12000")
    page.get_by_label("我方签约人").fill("王建国")
    page.get_by_label("企业签约人").fill("企业董事长")
    page.get_by_label("协议扫描件（PDF/JPG/PNG，可选）").set_input_files(
        files=[{"name": "投资协议.pdf", "mimeType": "application/pdf", "buffer": pdf}]
    )
    follow(page, page.get_by_role("button", name="保存"))
    page.wait_for_url(re.compile(r"/agreements/\d+$"))
    assert "已录入投资协议" in flash(page)
    file_link = page.get_by_role("link", name="投资协议.pdf")
    assert file_link.is_visible()
    file_url = live_server.path(file_link.get_attribute("href"))

    # The project has moved to 签约库.
    follow(page, page.get_by_role("link", name=project.name).first)
    assert page.locator(".breadcrumb").get_by_role("link", name="签约库").is_visible()
    assert page.locator(".stage-badge").first.inner_text() == "签约"
    assert "12,000" in page.locator("#agreements").inner_text() or "12000" in page.locator("#agreements").inner_text()
    assert project_state(live_server, project.id)["stage"] == "signed"

    # The responsible leader downloads the scan from the project page.
    sign_out(page, live_server)
    sign_in(page, live_server, "leader")
    page.goto(live_server.path(f"/projects/{project.id}"))
    with page.expect_download() as download_info:
        page.locator("#agreements").get_by_role("link", name="投资协议.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "投资协议.pdf"
    assert download.failure() is None
    with open(download.path(), "rb") as handle:
        assert handle.read() == pdf

    # Staff of another department are told the file does not exist.
    sign_out(page, live_server)
    sign_in(page, live_server, other_staff)
    console.expect(file_url)
    response = page.goto(file_url)
    assert response is not None and response.status == 404
    assert "页面不存在，或您无权查看该记录" in page.locator("main").inner_text()
    console.assert_clean()


# --- 5. the reports draw, drill down and export ----------------------------------------


PAINTED = """() => {
    const canvas = document.querySelector('[data-chart] canvas');
    if (!canvas || !canvas.width || !canvas.height) return 0;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
    return painted;
}"""


def canvas_pixels(page: Any) -> int:
    """Painted (non-transparent) pixels on the first chart's canvas, once
    ECharts has drawn its chart."""
    page.wait_for_function(PAINTED.replace("return painted;", "return painted > 2000;"))
    return page.evaluate(PAINTED)


def hover_chart(page: Any) -> None:
    """Point at the middle of the chart, as a reader would, and wait for the
    tooltip to be drawn (the canvas changes)."""
    before = canvas_pixels(page)
    page.locator("[data-chart] canvas").first.hover()
    page.wait_for_function(PAINTED.replace("return painted;", f"return painted !== {before};"))


def last_count(links: Any) -> tuple[Any, int]:
    """The furthest funnel step (or library) that has records: its link and number."""
    numbered = [(link, int(link.inner_text().replace(",", ""))) for link in links.all()]
    assert numbered, "the report shows no number to follow"
    return numbered[-1]


def check_drill_down(page: Any, link: Any, number: int, per_page: int) -> None:
    """The number opens the list of its records: the same count, and the
    first page lists as many of them as fit."""
    follow(page, link)
    page.wait_for_url(re.compile(r"/reports/drill/"))
    count = page.locator(".drill-count")
    assert count.get_attribute("data-total") == str(number)
    assert f"共 {number} 条" in count.inner_text()
    assert page.locator("table.report-table tbody tr").count() == min(number, per_page)


def page_counts(page: Any) -> dict[str, int]:
    """The first report table as the page shows it: row label → count."""
    rows = page.locator("table.report-table").first.locator("tbody tr")
    return {
        row.locator("th").inner_text().strip(): int(row.locator("td").first.inner_text().replace(",", ""))
        for row in rows.all()
    }


def check_export(page: Any, name: str) -> None:
    """The .xlsx downloads, says what it is, and its first sheet holds the
    numbers of the page's first table."""
    from io import BytesIO

    from openpyxl import load_workbook

    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 Excel").click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename.startswith(name) and download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        workbook = load_workbook(BytesIO(handle.read()), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert str(rows[0][0]).startswith(name)
    in_sheet = {str(r[0]): r[1] for r in rows[2:] if r and r[0] is not None}
    shown = page_counts(page)
    assert shown and all(in_sheet.get(label) == count for label, count in shown.items()), (shown, in_sheet)


def test_funnel_and_library_reports_draw_charts_drill_down_and_export(page, live_server):
    console = Console(page)
    per_page = live_server.app.config["PER_PAGE"]
    sign_in(page, live_server, "leader")
    nav_to(page, "统计报表")

    follow(page, page.get_by_role("link", name=re.compile("招商漏斗")))
    page.wait_for_url(live_server.path("/reports/funnel"))
    assert canvas_pixels(page) > 2000
    hover_chart(page)
    check_export(page, "招商漏斗")
    # One town's funnel, as a town's office would look at it.
    page.locator(".report-filters").get_by_label("部门").select_option(label="东城街道")
    follow(page, page.locator(".report-filters").get_by_role("button", name="统计"))
    page.wait_for_url(re.compile(r"/reports/funnel\?.*department_id="))
    assert "东城街道" in page.locator(".report-caption").inner_text()
    link, number = last_count(page.locator("table.report-table").first.locator("a.num.cnt"))
    check_drill_down(page, link, number, per_page)

    page.go_back()
    nav_to(page, "统计报表")
    follow(page, page.get_by_role("link", name=re.compile("项目库统计")))
    page.wait_for_url(live_server.path("/reports/library"))
    assert canvas_pixels(page) > 2000
    hover_chart(page)
    check_export(page, "项目库统计")
    signed = page.locator("table.report-table").first.locator("tr", has_text="签约库").locator("a.num.cnt")
    number = int(signed.inner_text())
    check_drill_down(page, signed, number, per_page)
    console.assert_clean()


# --- 6. every journey page on a phone ---------------------------------------------------

PHONE_WIDTH = 390


def check_phone_page(phone: Any) -> None:
    """No sideways scrolling, and the collapsed menu opens with every link
    inside the screen."""
    assert not has_horizontal_scroll(phone), f"{phone.url} scrolls sideways"
    toggler = phone.locator(".navbar-toggler")
    assert toggler.is_visible(), f"{phone.url}: no menu button"
    toggler.click()
    phone.locator("#mainNav.show").wait_for()
    links = phone.locator("#mainNav .navbar-nav .nav-link")
    assert links.count() >= 3
    for link in links.all():
        assert link.is_visible()
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH, link.inner_text()
    assert not has_horizontal_scroll(phone), f"{phone.url} scrolls sideways with the menu open"


def overflowing_tables(page: Any) -> int:
    """Visible tables that need sideways scrolling inside their box."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.table-responsive'))
            .filter(box => box.offsetParent !== null && box.scrollWidth > box.clientWidth + 1).length"""
    )


@pytest.fixture
def quick_phone(phone: Any) -> Any:
    """The phone without the menu's slide animation (Bootstrap honours
    reduced motion), so many pages are checked quickly; the animated menu
    has its own test in test_shell_browser."""
    phone.emulate_media(reduced_motion="reduce")
    return phone


def test_staff_journey_pages_fit_a_phone_and_the_menu_works(quick_phone, live_server):
    phone = quick_phone
    console = Console(phone)
    lead = arrange_lead_with_visit(live_server)
    project = arrange_key_project(live_server)
    records = arrange_agreement_and_problem(live_server, project.id)
    sign_in(phone, live_server, "staff")
    check_phone_page(phone)

    # Every link of the collapsed menu opens its page, which fits too.
    labels = [text.strip() for text in phone.locator("#mainNav .navbar-nav.me-auto .nav-link").all_inner_texts()]
    assert {"工作台", "招商线索", "项目库", "问题台账", "签约履约", "统计报表"} <= set(labels)
    for label in labels:
        href = phone.locator("#mainNav .nav-link", has_text=label).first.get_attribute("href")
        nav_to(phone, label)
        assert phone.url == live_server.path(href), label
        assert phone.locator("#mainNav .nav-link.active").inner_text().strip() == label
        check_phone_page(phone)

    # The lead list, the page staff open most, fits without scrolling its table.
    phone.goto(live_server.path("/leads/"))
    assert phone.locator("table tbody tr").count() > 0
    assert overflowing_tables(phone) == 0

    pages = [
        "/leads/new",
        f"/leads/{lead.id}",
        f"/projects/{project.id}",
        f"/agreements/project/{project.id}/new",
        f"/agreements/{records.agreement_id}",
        f"/problems/{records.problem_id}",
        "/reports/funnel",
        "/reports/library",
    ]
    for path in pages:
        phone.goto(live_server.path(path))
        check_phone_page(phone)

    # Forms in use: the live 撞单 check under the company name, the quick visit form.
    phone.goto(live_server.path("/leads/new"))
    phone.locator("#company_name").fill(lead.company)
    phone.locator("#company-check .list-group-item").first.wait_for()
    check_phone_page(phone)
    phone.goto(live_server.path(f"/leads/{lead.id}"))
    phone.get_by_role("button", name="记录拜访").click()
    phone.locator("#quick-visit.show").wait_for()
    check_phone_page(phone)

    # A report number opens its list, which fits as well.
    phone.goto(live_server.path("/reports/library"))
    follow(phone, phone.locator("table.report-table a.num.cnt").first)
    phone.wait_for_url(re.compile(r"/reports/drill/"))
    check_phone_page(phone)
    console.assert_clean()


def test_leader_and_admin_journey_pages_fit_a_phone(quick_phone, live_server):
    phone = quick_phone
    console = Console(phone)
    lead = arrange_lead_with_visit(live_server)
    project = arrange_key_project(live_server)
    records = arrange_agreement_and_problem(live_server, project.id)

    sign_in(phone, live_server, "leader")
    desk = desk_section(phone)
    assert desk.get_by_role("link", name=project.name).first.is_visible()  # the phone list, not the table
    check_phone_page(phone)
    for path in ("/projects/desk", f"/projects/{project.id}", f"/problems/{records.problem_id}"):
        phone.goto(live_server.path(path))
        check_phone_page(phone)

    sign_out(phone, live_server)
    sign_in(phone, live_server, "admin")
    check_phone_page(phone)
    for path in (f"/leads/{lead.id}/convert", f"/projects/{project.id}/five-ones", f"/projects/{project.id}"):
        phone.goto(live_server.path(path))
        assert phone.locator("h1").first.is_visible()
        check_phone_page(phone)
    console.assert_clean()
