"""No 500 on odd query values (issue 17): every GET page of the app, signed
in as an admin (who reaches every page), is sent each odd value in every
common query parameter at once — letters for numbers, negatives, huge
numbers, NUL and control characters, impossible dates, markup. A page may
ignore a value (and say so), refuse it (400/404/422), but never fail."""

from __future__ import annotations

import pytest

from tests import factories_trust as ft
from tests.test_access_matrix import TABLE, _path

ODD = [
    "abc",
    "-1",
    "0",
    "99999999999999999999",
    "\x00",
    "a\x01b",
    "2026-13-45",
    "1e5",
    "' OR 1=1 --",
    "<script>x</script>",
]
KEYS = (
    "entity",
    "year",
    "q",
    "page",
    "per_page",
    "period",
    "start",
    "end",
    "month",
    "department_id",
    "status",
    "sort",
    "view",
    "by",
    "metric",
    "kind",
    "stage",
    "light",
    "owner_id",
    "from",
    "to",
    "leader_id",
    "industry_id",
    "library",
    "level",
    "received_from",
    "received_to",
    "overdue",
    "key",
    "g_department",
    "dim",
    "meeting",
    "quarter",
)
PAGES = sorted({row.rule for row in TABLE if row.method == "GET" and not row.rule.startswith(("/api/", "/static"))})


@pytest.mark.parametrize("value", ODD, ids=[repr(v) for v in ODD])
def test_every_page_takes_odd_query_values_without_failing(client, login_as, value):
    world = ft.build(tokens=False)
    login_as(world.user("admin"))
    failures = []
    for row in (r for r in TABLE if r.method == "GET" and r.rule in PAGES):
        path = _path(row, world.ids).split("?")[0]
        response = client.get(path, query_string=dict.fromkeys(KEYS, value))
        if response.status_code >= 500:
            failures.append(f"{path}: {response.status_code}")
    assert failures == []


@pytest.mark.parametrize(
    "url",
    [
        "/reports/drill/leads?entity=abc",
        "/reports/drill/projects?entity=abc",
        "/reports/drill/visits?entity=abc",
        "/agreements/events?year=-1",
        "/agreements/events?year=10000",
        "/agreements/events?year=99999999999999999999",
        "/leads/export.xlsx?q=%00",
        "/projects/export.xlsx?q=%00%01",
        "/problems/export.xlsx?q=%00",
    ],
)
def test_the_reported_odd_values(client, login_as, url):
    login_as("admin")
    assert client.get(url).status_code < 500
