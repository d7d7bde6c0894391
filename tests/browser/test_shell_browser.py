"""The shell in a real browser: sign-in per role, menus, the phone layout."""

from __future__ import annotations

import pytest

from tests.browser.conftest import has_horizontal_scroll, sign_in


@pytest.mark.parametrize(("username", "sees_admin"), [("admin", True), ("staff", False), ("leader", False)])
def test_each_role_signs_in_and_sees_its_menu(page, live_server, username, sees_admin):
    sign_in(page, live_server, username)
    nav = page.locator("#mainNav").inner_text()
    assert "工作台" in nav
    assert ("系统管理" in nav) is sees_admin


def test_wrong_password_shows_message_in_chinese(page, live_server):
    page.goto(live_server.path("/auth/login"))
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert page.get_by_text("用户名或密码错误").is_visible()


def test_phone_layout_has_no_horizontal_scroll_and_a_working_menu(phone, live_server):
    sign_in(phone, live_server, "staff")
    assert not has_horizontal_scroll(phone)
    toggler = phone.locator(".navbar-toggler")
    assert toggler.is_visible()
    toggler.click()
    phone.locator("#mainNav .nav-link", has_text="工作台").wait_for(state="visible")
    assert not has_horizontal_scroll(phone)


def test_choosing_a_department_redraws_the_owner_filter_with_its_people(page, live_server):
    """The lead list's owner filter follows the department filter (htmx swaps
    the select), without a page load or a console error, and filtering by a
    person of that department then works."""
    from tests.browser.journey_setup import Console

    console = Console(page)
    sign_in(page, live_server, "admin")
    page.goto(live_server.path("/leads/"))
    name = "东城街道"  # the demo staff member's department
    page.select_option("#f-dept", label=name)
    owners = page.locator("#f-owner option")
    page.wait_for_function(
        "name => [...document.querySelectorAll('#f-owner option')].slice(1)"
        ".every(o => o.textContent.endsWith(' · ' + name))",
        arg=name,
    )
    people = [text for text in owners.all_inner_texts()[1:] if text]
    assert people, f"no one listed for {name}"
    page.select_option("#f-owner", label=people[0])
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()
    assert page.locator("#f-owner option:checked").inner_text() == people[0]
    console.assert_clean()
