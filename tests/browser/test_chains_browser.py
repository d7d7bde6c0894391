"""The chain map in a browser (issue 21): a staff member opens 产业链, the
生物医药 chain's map — drawn by ECharts from our static files, no CSP
complaint — with its gap segments; clicking a segment (on the chart, and on
its row) opens its panel with local companies and targets; a target's page
shows it and offers 转为线索; the map prints on A4."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import LiveServer, has_horizontal_scroll, sign_in
from tests.browser.journey_setup import Console

PAINTED = """() => {
    const canvas = document.querySelector('#chain-map canvas');
    if (!canvas || !canvas.width || !canvas.height) return 0;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
    return painted;
}"""


def test_open_the_chain_map_click_a_segment_and_go_to_a_target(page: Any, live_server: LiveServer):
    console = Console(page)
    sign_in(page, live_server, "staff")
    page.get_by_role("link", name="产业链", exact=True).click()
    page.get_by_role("link", name="生物医药").click()
    page.wait_for_function(PAINTED.replace("return painted;", "return painted > 2000;"))
    table = page.locator("table.chain-segments")
    gap_row = table.locator("tr", has_text="原料药")
    assert "缺链" in gap_row.inner_text()

    # The segment's row link: the panel beside the map, without leaving the page.
    before = page.url
    gap_row.get_by_role("link", name="原料药").click()
    panel = page.locator("#segment-panel")
    panel.locator(".segment-panel[data-segment-id]").wait_for()
    assert page.url == before
    assert "浙江华海药业股份有限公司" in panel.inner_text()
    assert "缺链" in panel.inner_text()

    panel.get_by_role("link", name="浙江华海药业股份有限公司").click()
    page.wait_for_url("**/chains/targets/*")
    main = page.locator("main").inner_text()
    assert "浙江华海药业股份有限公司" in main and "原料药" in main and "浙江台州" in main
    assert page.get_by_role("button", name="转为线索").is_visible()
    assert not has_horizontal_scroll(page)
    console.assert_clean()


def test_a_click_on_the_chart_opens_the_segment(page: Any, live_server: LiveServer):
    console = Console(page)
    sign_in(page, live_server, "viewer")
    page.goto(live_server.path("/chains/"))
    page.get_by_role("link", name="智能制造").click()
    page.wait_for_function(PAINTED.replace("return painted;", "return painted > 2000;"))
    # Where ECharts drew the 减速器 node: its layout position, then a real mouse click there.
    box = page.locator("#chain-map").bounding_box()
    locate = """() => {
        const chart = window.echarts.getInstanceByDom(document.getElementById('chain-map'));
        const series = chart.getModel().getSeriesByIndex(0);
        const data = series.getData();
        for (let i = 0; i < data.count(); i++) {
            if (data.getName(i) === '减速器') {
                const [x, y] = data.getItemGraphicEl(i).transformCoordToGlobal(0, 0);
                return {x, y};
            }
        }
        return null;
    }"""
    # Under load the layout may still be animating: click once the node stands still.
    point, previous = page.evaluate(locate), None
    for _ in range(20):
        if point is not None and point == previous:
            break
        page.wait_for_timeout(150)
        previous, point = point, page.evaluate(locate)
    assert point is not None
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    panel = page.locator("#segment-panel .segment-panel")
    panel.wait_for()
    assert "减速器" in panel.inner_text() and "绿的谐波传动科技股份有限公司" in panel.inner_text()
    page.emulate_media(media="print")
    assert page.locator("#segment-panel").is_hidden()  # the print shows the map and its table
    console.assert_clean()
