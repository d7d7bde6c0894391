"""Reports over the API give the pages' numbers: on the district with known
numbers (tests/factories_reports.py) the 四库 report and both funnel views
agree cell by cell with the HTML report pages for the same filters; money
as decimal strings, 亿元 with one decimal; bad filters are 422."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from app.db import db
from tests import factories_reports as fr
from tests.factories_api import bearer

H1_2025 = "period=h1&year=2025"


class FirstTable(HTMLParser):
    """The body rows of the first table on a page, as lists of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._tables = 0
        self._in_body = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table":
            self._tables += 1
        elif tag == "tbody" and self._tables == 1:
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag in ("td", "th") and self._in_body:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False
        elif tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(re.sub(r"\s+", "", "".join(self._cell)))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_rows(client, login_as, user, path: str) -> list[list[str]]:
    login_as(user)
    response = client.get(path)
    assert response.status_code == 200
    parser = FirstTable()
    parser.feed(response.get_data(as_text=True))
    client.post("/auth/logout")
    return parser.rows


@pytest.fixture
def district(app):
    return fr.district()


def test_library_report_matches_the_page(client, login_as, district):
    response = client.get(f"/api/v1/reports/library?{H1_2025}", headers=bearer(district.staff_a))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [lib["key"] for lib in body["libraries"]] == ["planning", "attracting", "signed", "landed"]
    assert body["period"] == {"start": "2025-01-01", "end": "2025-06-30"}
    api_rows = [[x["name"], str(x["count"]), x["amount_yi"]] for x in [*body["libraries"], body["total"]]]
    assert api_rows == html_rows(client, login_as, district.staff_a, f"/reports/library?{H1_2025}")
    assert sum(x["count"] for x in body["libraries"]) == body["total"]["count"]
    assert body["total"]["count"] > 0 and re.fullmatch(r"\d+\.\d", body["total"]["amount_yi"])
    assert re.fullmatch(r"\d+\.\d{4}", body["total"]["amount_wan"])


@pytest.mark.parametrize("view", ["cohort", "flow"])
def test_funnel_matches_the_page_in_both_views(client, login_as, district, view):
    response = client.get(
        f"/api/v1/reports/funnel?view={view}&start=2025-01-01&end=2025-06-30", headers=bearer(district.admin)
    )
    assert response.status_code == 200, response.get_json()
    steps = response.get_json()["steps"]
    assert [s["key"] for s in steps] == ["leads", "contacted", "negotiating", "signed", "construction", "production"]
    assert steps[0]["rate_from_previous"] is None
    api_rows = [
        [
            s["name"],
            str(s["count"]),
            s["amount_yi"],
            "" if i == 0 else f"{s['rate_from_previous'] or '—'}%".replace("—%", "—"),
        ]
        for i, s in enumerate(steps)
    ]
    page = html_rows(
        client, login_as, district.admin, f"/reports/funnel?view={view}&period=custom&start=2025-01-01&end=2025-06-30"
    )
    assert api_rows == [r[:4] for r in page]
    counts = [s["count"] for s in steps]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0  # never rises down the funnel


def test_cohort_funnel_known_numbers_and_filters(client, district):
    headers = bearer(district.admin)
    body = client.get(f"/api/v1/reports/funnel?view=cohort&{H1_2025}", headers=headers).get_json()
    # The district's documented cohort (tests/test_reports.py).
    assert [s["count"] for s in body["steps"]] == [6, 5, 3, 2, 1, 0]
    assert [s["amount_yi"] for s in body["steps"]] == ["3.3", "3.3", "2.7", "2.1", "1.2", "0.0"]
    assert body["steps"][1]["rate_from_previous"] == "83.3"
    by_name = client.get(f"/api/v1/reports/funnel?{H1_2025}&industry=现代物流", headers=headers).get_json()
    by_id = client.get(f"/api/v1/reports/funnel?{H1_2025}&industry={fr_ref_id('现代物流')}", headers=headers).get_json()
    # 现代物流 leads received in the first half: L3, L4, L5, L8.
    assert by_name == by_id and by_name["steps"][0]["count"] == 4
    dept = client.get(f"/api/v1/reports/funnel?{H1_2025}&department_id={district.b.id}", headers=headers).get_json()
    assert dept["steps"][0]["count"] == 3  # L3, L4, L8


def fr_ref_id(name: str) -> int:
    from app.lookups import ref_id
    from app.models import RefKind

    return ref_id(RefKind.INDUSTRY, name)


@pytest.mark.parametrize(
    "query",
    [
        "view=sideways",
        "start=2025-06-30&end=2025-01-01",
        "start=2025-01-01",
        "year=1999",
        "department_id=999999",
        "industry=不存在的产业",
        "industry=999999",
        "source=²",
    ],
)
def test_bad_report_filters_are_422(client, district, query):
    response = client.get(f"/api/v1/reports/funnel?{query}", headers=bearer(district.admin))
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["message"]
    db.session.rollback()
