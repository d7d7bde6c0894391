"""Every .xlsx export is a 台账 an office can print (DEVELOPERS; issue 16's
first point): a title row naming the ledger, the reporting unit and the
date; a frozen header repeated on every printed page; an autofilter; widths
fitted to Chinese text; amounts with thousands separators and a 合计 row;
A4 landscape fitted to the width, page numbers in the footer."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app import clock
from app.db import db
from tests import factories_leads as fl
from tests import factories_projects as fp


@pytest.mark.parametrize(
    ("url", "title", "amount_header"),
    [
        ("/leads/export.xlsx", "招商线索", "意向投资额（万元）"),
        ("/projects/export.xlsx", "项目库台账", "计划总投资（万元）"),
    ],
)
def test_an_export_is_a_printable_ledger(client, login_as, url, title, amount_header):
    staff = login_as("staff")
    for n, amount in enumerate(("35000", "12000.5")):
        fl.lead(department=staff.department, owner=staff, intended_investment=Decimal(amount), title=f"意向{n}")
        fp.project(department=staff.department, planned_investment=Decimal(amount), name=f"项目{n}")
    db.session.commit()
    sheet = load_workbook(io.BytesIO(client.get(url).data)).active
    caption = sheet["A1"].value
    assert caption.startswith(title) and f"填报单位：{staff.department.name}" in caption
    assert f"截至：{clock.today().isoformat()}" in caption
    headers = [cell.value for cell in sheet[2]]
    column = headers.index(amount_header) + 1
    assert sheet.freeze_panes == "A3" and sheet.print_title_rows == "$2:$2"
    assert sheet.auto_filter.ref.startswith("A2:")
    last = sheet.max_row
    assert sheet.cell(row=last, column=1).value == "合计"
    assert sheet.cell(row=last, column=column).value == pytest.approx(47000.5)
    assert sheet.cell(row=3, column=column).number_format == "#,##0.00"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    # Fitted to one page wide, any number of pages tall (a missing fitToWidth is
    # the OOXML default, 1).
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth or 1) == 1 and sheet.page_setup.fitToHeight == 0
    assert "&P" in sheet.oddFooter.center.text
    widths = [sheet.column_dimensions[chr(64 + n)].width for n in range(1, min(len(headers), 20) + 1)]
    assert all(6 <= width <= 50 for width in widths) and max(widths) > min(widths)  # fitted, not one default
