"""Browser (issue 23): the bell in the header counts the unread messages; a
leader's 批示 in another browser raises the team member's count on their
next page, the inbox shows it, and opening it lands on the project. On a
phone the bell stays in sight beside the menu button."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import has_horizontal_scroll, sign_in
from tests.browser.journey_setup import Console, arrange_key_project


def unread(page: Any) -> int:
    """The bell's count once htmx has filled it in (0 when no badge)."""
    page.locator("#app-bell .visually-hidden").wait_for(state="attached")
    badge = page.locator("#app-bell [data-unread]")
    return int(badge.get_attribute("data-unread")) if badge.count() else 0


@pytest.fixture
def colleague(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    context.set_default_timeout(15000)
    yield context.new_page()
    context.close()


def test_the_bell_count_rises_after_a_leaders_instruction(page, colleague, live_server):
    leader, staff = page, colleague
    consoles = [Console(leader), Console(staff)]
    project = arrange_key_project(live_server)
    sign_in(staff, live_server, "staff")
    before = unread(staff)
    assert staff.locator("#app-bell").is_visible()  # on a phone, outside the folded menu
    assert not has_horizontal_scroll(staff)

    sign_in(leader, live_server, "leader")
    leader_before = unread(leader)
    leader.goto(live_server.path(f"/projects/{project.id}"))
    instructions = leader.locator("#instructions")
    instructions.get_by_label("批示内容").fill("请专班本周内对接企业总部，尽快确定选址。")
    with leader.expect_navigation():
        instructions.get_by_role("button", name="发出批示").click()
    assert unread(leader) == leader_before  # one's own action tells oneself nothing

    staff.reload()
    assert unread(staff) == before + 1
    with staff.expect_navigation():
        staff.locator("#app-bell").click()
    item = staff.locator(".app-inbox li", has_text="请专班本周内对接企业总部").first
    assert "新批示" in item.inner_text() and "未读" in item.inner_text()
    with staff.expect_navigation():
        item.get_by_role("link").click()
    assert staff.url.endswith(f"/projects/{project.id}")
    assert unread(staff) == before
    for console in consoles:
        assert console.problems == [], console.problems
