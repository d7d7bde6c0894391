"""Reports in a real browser: charts drawn from the JSON data blocks without
script errors, numbers that open their records, the phone layout, and the
meeting pack printing on A4."""

from __future__ import annotations

import re

from tests.browser.conftest import has_horizontal_scroll, sign_in

REPORTS = [
    "/reports/funnel",
    "/reports/library",
    "/reports/activity",
    "/reports/activities",
    "/reports/targets",
    "/reports/key-projects",
    "/reports/speed",
]


def test_each_report_draws_its_chart_without_script_errors(page, live_server):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live_server, "leader")
    for path in REPORTS:
        page.goto(live_server.path(path))
        page.locator("[data-chart] canvas").first.wait_for(state="attached")
        assert page.locator("table.report-table").count() >= 1, path
    assert errors == []


def test_a_number_opens_the_records_behind_it(page, live_server):
    sign_in(page, live_server, "admin")
    page.goto(live_server.path("/reports/library"))
    link = page.locator("a.num.cnt").last  # the 合计 of 三个一批 or of the libraries
    if link.count() == 0:
        return  # an empty demo district has no numbers to follow
    shown = link.inner_text()
    link.click()
    assert page.locator(".drill-count").get_attribute("data-total") == shown


def test_reports_fit_a_phone(phone, live_server):
    sign_in(phone, live_server, "staff")
    phone.goto(live_server.path("/reports/funnel"))
    phone.locator("[data-chart] canvas").first.wait_for(state="attached")
    # Wide tables scroll inside their own box, not the page.
    assert not has_horizontal_scroll(phone)


def test_meeting_pack_prints_on_a4(page, live_server):
    sign_in(page, live_server, "leader")
    page.goto(live_server.path("/reports/pack?meeting=monthly"))
    page.emulate_media(media="print")
    assert not page.locator(".report-filters").is_visible()
    assert page.locator("main h1").is_hidden()  # one title on paper: the pack's own
    assert page.locator(".pack-title").is_visible()
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    # Every page A4 portrait (595 × 842 pt), as the pack's @page asks.
    boxes = re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes and all((round(float(w)), round(float(h))) == (595, 842) for w, h in boxes)
    # No column clipped: at the printed width (A4 less the margins) no table is wider than its page.
    page.set_viewport_size({"width": 718, "height": 1000})
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('.report-table')]
             .filter(t => t.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
             .map(t => t.closest('section')?.querySelector('h3')?.textContent || '?')"""
    )
    assert overflowing == []


def test_weekly_meeting_pack_defaults_to_this_week(page, live_server):
    sign_in(page, live_server, "leader")
    page.goto(live_server.path("/reports/pack?meeting=weekly"))
    assert "本周" in page.locator(".report-caption").inner_text()
