"""Excel import as an attack surface (issue 17): crafted workbooks, built
here (never checked in as binaries), are refused or read within bounds —
a sheet declaring A1:XFD1048576, a zip bomb, an over-long cell, a truncated
sheet — and a formula without a cached result is an error naming the cell.
Peak memory and time on the hostile files are measured and bounded (a
bound against runaway work, not a speed target)."""

from __future__ import annotations

import io
import re
import time
import tracemalloc
import zipfile

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from app.db import db
from app.models import Project
from tests.factories_api import bearer
from tests.test_imports import HEADER, ledger, row, upload

MB = 1024 * 1024


def patched(data: bytes, part: str, change) -> bytes:
    """`data` with zip member `part` replaced by change(old bytes)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, change(content) if info.filename == part else content)
    return out.getvalue()


def measured(action):
    """(result, seconds, peak MB of Python allocations) of action()."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        result = action()
    finally:
        seconds = time.perf_counter() - start
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return result, seconds, peak / MB


def sample() -> bytes:
    return ledger([row(1, "杉杉奥莱", "杉杉商业集团有限公司", amount="200000", stage="签约")])


def test_a_sheet_declaring_the_whole_grid_is_not_walked(client, login_as):
    login_as("admin")

    def bomb(xml: bytes) -> bytes:
        xml, declared = re.subn(rb'<dimension ref="[^"]+"\s*/>', b'<dimension ref="A1:XFD1048576"/>', xml)
        assert declared == 1
        far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        return xml.replace(b"</sheetData>", far + b"</sheetData>")

    data = patched(sample(), "xl/worksheets/sheet1.xml", bomb)
    assert len(data) < 10_000
    response, seconds, peak = measured(lambda: upload(client, data))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "校验通过：将新增 1 条" in html
    assert "超出部分未读取" in html  # said, not silently dropped
    assert seconds < 20 and peak < 100, (seconds, peak)


def test_a_zip_bomb_is_refused_before_parsing(client, login_as):
    login_as("admin")
    data = patched(
        sample(),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b"<sheetData>", b" " * (40 * MB) + b"<sheetData>", 1),
    )
    assert len(data) < 200_000
    response, _seconds, peak = measured(lambda: upload(client, data))
    assert response.status_code == 400 or response.status_code == 422
    assert "疑似压缩炸弹" in response.get_data(as_text=True)
    assert peak < 20, peak  # refused from the zip's directory: nothing inflated
    assert db.session.scalar(sa.select(sa.func.count(Project.id))) == 0


def test_an_over_long_cell_is_refused(client, login_as):
    login_as("admin")
    data = ledger([row(1, "PLACEHOLDER", "某公司", amount="100", stage="签约")])
    data = patched(data, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"PLACEHOLDER", ("长" * 40000).encode()))
    html = upload(client, data).get_data(as_text=True)
    assert "第 4 行第 2 列的文字超过 32,767 个字符" in html


def test_a_truncated_sheet_is_a_clear_refusal_on_the_page_and_the_api(client, login_as):
    admin = login_as("admin")
    data = patched(sample(), "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2])
    page = upload(client, data)
    assert page.status_code in (400, 422) and "文件内容已损坏" in page.get_data(as_text=True)
    api = client.post(
        "/api/v1/imports/projects",
        data={"file": (io.BytesIO(data), "台账.xlsx")},
        content_type="multipart/form-data",
        headers=bearer(admin),
    )
    assert api.status_code in (400, 422) and "文件内容已损坏" in api.get_json()["error"]["message"]


def test_a_formula_without_a_result_is_an_error_naming_the_cell(client, login_as):
    login_as("admin")
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append([1, "杉杉奥莱", "杉杉商业集团有限公司", "", "健康服务", "=1+1", "签约", "", "", "是", "", ""])
    out = io.BytesIO()
    wb.save(out)  # openpyxl writes formulas without a cached value
    html = upload(client, out.getvalue()).get_data(as_text=True)
    assert "F2 是公式，没有计算结果" in html
    assert "整份文件不会导入" in html


def test_no_header_names_the_columns_in_chinese(client, login_as):
    login_as("admin")
    wb = Workbook()
    wb.active.append(["甲", "乙", "丙"])
    out = io.BytesIO()
    wb.save(out)
    html = upload(client, out.getvalue()).get_data(as_text=True)
    assert "没有同时包含「项目名称、项目阶段、计划总投资(万元)」这几列的一行" in html
    assert "planned_investment" not in html


@pytest.mark.parametrize("columns", [250])
def test_columns_beyond_the_cap_are_not_read_and_said(client, login_as, columns):
    login_as("admin")
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append([1, "杉杉奥莱", "杉杉商业集团有限公司", "", "健康服务", "200000", "签约", "", "", "是", "", ""])
    ws.cell(row=2, column=columns, value="远处的单元格")
    out = io.BytesIO()
    wb.save(out)
    html = upload(client, out.getvalue()).get_data(as_text=True)
    assert "表格超过 200 列，超出部分未读取" in html and "校验通过" in html


def test_previews_expire_and_committed_files_are_not_kept(client, login_as, app):
    import datetime as dt

    from app import clock
    from app.models import ImportBatch
    from tests.test_imports import commit

    login_as("admin")
    upload(client, sample())
    old = db.session.scalar(sa.select(ImportBatch))
    old.created_at = clock.utcnow() - dt.timedelta(hours=app.config["IMPORT_PREVIEW_HOURS"] + 1)
    db.session.commit()
    refused = client.post(f"/imports/batches/{old.id}/commit").get_data(as_text=True)
    assert "文件已过期，请重新上传" in refused
    upload(client, sample())  # the next upload purges the expired preview and its file
    stale = sa.select(sa.func.count(ImportBatch.id)).where(
        ImportBatch.created_at < clock.utcnow() - dt.timedelta(hours=1)
    )
    assert db.session.scalar(stale) == 0 and db.session.scalar(sa.select(sa.func.count(ImportBatch.id))) == 1
    commit(client)
    db.session.expire_all()
    done = db.session.scalar(sa.select(ImportBatch))
    assert done.status == "committed" and done.content == b"" and done.summary["created"]
