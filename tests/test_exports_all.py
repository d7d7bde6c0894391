"""Every .xlsx the app hands out is a printable 台账 (issue 16's export audit):
the demo district is seeded, then every export route of `app.url_map` and
every report's `?format=xlsx` is downloaded as admin and opened with
openpyxl. Each sheet must have its title row, a bold header frozen under it
and repeated on every printed page, an autofilter over the data, fitted
widths, A4 landscape fitted to the width with page numbers, amounts with
thousands separators (亿元 with one decimal, as the reports show them), rates
with one decimal, and — on every ledger with amounts — a 合计 row equal to
the sum of its rows. A new export route without a case here fails."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app import demo
from app.db import db
from app.xlsx import AMOUNT_FORMAT, PERCENT_FORMAT, YI_FORMAT, column_format

# The ledgers (a row per record): each ends with a 合计 of its amounts.
LEDGERS = {
    "activities.export": "/activities/export.xlsx",
    "agreements.export": "/agreements/export.xlsx",
    "approvals.export": "/approvals/export.xlsx",
    "chains.targets_export": "/chains/targets/export.xlsx",
    "chains.segments_export": "/chains/1/segments.xlsx",  # the demo's first chain
    "delivery.campaign_export_xlsx": "/delivery/campaigns/{campaign}/export.xlsx",
    "delivery.investments_export": "/delivery/investments/export.xlsx",
    "inspections.export": "/inspections/export.xlsx",
    "inspections.report_export": "/inspections/report.xlsx",
    "leads.export": "/leads/export.xlsx",
    "problems.export": "/problems/export.xlsx",
    "projects.export": "/projects/export.xlsx",
    "projects.service_day_export": "/projects/service-day.xlsx",
    "reviews.export": "/reviews/{review}/results.xlsx",
}
# The reports (a row per group; the grouped sheets carry their own 合计 row).
REPORTS = {
    "reports.funnel": "/reports/funnel?format=xlsx",
    "reports.library": "/reports/library?format=xlsx",
    "reports.activity": "/reports/activity?format=xlsx",
    "reports.activities": "/reports/activities?format=xlsx",
    "reports.key_projects": "/reports/key-projects?format=xlsx",
    "reports.investment": "/reports/investment?format=xlsx",
    "reports.approvals": "/reports/approvals?format=xlsx",
    "reports.problems": "/reports/problems?format=xlsx",
    "reports.chains": "/reports/chains?format=xlsx",
    "reports.speed": "/reports/speed?format=xlsx",
    "reports.pack": "/reports/pack?format=xlsx",
    "reports.targets": "/reports/targets?format=xlsx",
    "reports.ranking": "/reports/ranking?format=xlsx",
}
# Sheets whose rows cannot be added up: funnel steps (each contains the next),
# a month-by-month series (its 累计 column is the total), the campaign summary
# (its own 合计 row sits between the batches and the departments).
NOT_SUMMABLE = {"招商漏斗", "投资完成-分月", "汇总"}
# The reports' index, the targets form and the drill-down lists (a page
# behind a number) have no workbook.
REPORT_PAGES_WITHOUT_EXPORT = {"reports.index", "reports.targets_edit", "reports.drill", "reports.ranking_weights"}
# Import templates are blank forms to fill in, not ledgers.
NOT_EXPORTS = {"imports.template"}


@pytest.fixture()
def district(app, login_as):
    demo.run_all()
    db.session.commit()
    return login_as("admin")


def _campaign_id() -> int:
    from app.models.delivery import Campaign

    return db.session.query(Campaign.id).order_by(Campaign.id).first()[0]


def _review_id() -> int:
    from app.models import ReviewEvent, ReviewStatus

    return db.session.query(ReviewEvent.id).filter(ReviewEvent.status == ReviewStatus.CLOSED).first()[0]


def test_every_export_route_is_audited(app):
    """The two lists above are the whole set: a new export needs a case."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.endswith(".xlsx")}
    assert endpoints - NOT_EXPORTS == set(LEDGERS)
    report_pages = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("reports.") and rule.endpoint not in REPORT_PAGES_WITHOUT_EXPORT
    }
    assert report_pages == set(REPORTS)


def _check_sheet(url: str, sheet, *, ledger: bool) -> None:
    where = f"{url} › {sheet.title}"
    assert sheet["A1"].value and sheet["A1"].font.b, where
    headers = [cell.value for cell in sheet[2]]
    assert headers[0] and all(cell.font.b for cell in sheet[2] if cell.value), where
    assert sheet.freeze_panes == "A3" and sheet.print_title_rows == "$2:$2", where
    assert sheet.auto_filter.ref.startswith("A2:"), where
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9, where
    # Fitted to one page wide, any number of pages tall (a missing fitToWidth is
    # the OOXML default, 1).
    assert sheet.sheet_properties.pageSetUpPr.fitToPage, where
    assert (sheet.page_setup.fitToWidth or 1) == 1 and sheet.page_setup.fitToHeight == 0, where
    assert "&P" in sheet.oddFooter.center.text, where
    widths = [sheet.column_dimensions[cell.column_letter].width for cell in sheet[2]]
    assert all(6 <= width <= 50 for width in widths), where

    formats = {index: fmt for index, header in enumerate(headers) if (fmt := column_format(header))}
    rows = list(sheet.iter_rows(min_row=3))
    for row in rows:
        for index, fmt in formats.items():
            cell = row[index]
            if isinstance(cell.value, (int, float)):
                assert cell.number_format == fmt, f"{where} › {headers[index]}"
    amounts = [index for index, fmt in formats.items() if fmt in (AMOUNT_FORMAT, YI_FORMAT)]
    if not ledger or not amounts or sheet.title in NOT_SUMMABLE or len(rows) < 2:
        return
    total, data = rows[-1], rows[:-1]
    assert total[0].value == "合计", where
    for index in amounts:
        expected = sum(Decimal(str(row[index].value)) for row in data if isinstance(row[index].value, (int, float)))
        assert Decimal(str(total[index].value)) == expected, f"{where} › {headers[index]}"


def test_every_export_is_a_printable_ledger(client, district):
    checked = 0
    for endpoint, url in {**LEDGERS, **REPORTS}.items():
        url = url.format(campaign=_campaign_id(), review=_review_id())
        response = client.get(url)
        assert response.status_code == 200 and "spreadsheetml" in response.content_type, url
        workbook = load_workbook(io.BytesIO(response.data))
        for sheet in workbook.worksheets:
            _check_sheet(url, sheet, ledger=endpoint in LEDGERS)
            checked += 1
    assert checked >= 40  # every sheet of every workbook, the pack's included


def test_column_formats_follow_the_header():
    assert column_format("签约金额（万元）") == AMOUNT_FORMAT
    assert column_format("计划总投资（亿元）") == YI_FORMAT
    assert column_format("合同外资(万美元)") == AMOUNT_FORMAT
    assert column_format("亿元以上项目数") is None  # a count named by size
    assert column_format("签约金额(万元)（%）") == PERCENT_FORMAT  # a completion rate
    assert column_format("项目名称") is None
