"""The 招商图谱 import: a sheet as offices keep it (title rows, 序号, 合计)
adds segments (sub-segments by path) and targets; a file with one bad row
writes nothing and names every bad row in Chinese; re-importing adds
nothing; the target list's own export reads back; a chain the importer may
not edit is refused."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from app.db import db
from app.models import ChainSegment, SegmentStage, TargetCompany, TargetPriority
from tests import factories
from tests import factories_chains as fc

TODAY = dt.date(2026, 7, 10)
HEADER = ["序号", "产业链", "上中下游", "环节", "目标企业", "企业类型", "所在地", "优先级"]


def sheet(*rows: list) -> bytes:
    book = Workbook()
    ws = book.active
    ws.append(["XX区重点产业链招商图谱（2026年）"])
    ws.append(["填报单位：区投资促进局"])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    ws.append(["合计", "", "", "", f"{len(rows)} 家"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def world(set_today):
    set_today(TODAY)
    bureau = factories.department("区投资促进局")
    chain = fc.chain(name="生物医药", department=bureau)
    fc.segment(chain, "制剂", SegmentStage.MIDSTREAM)
    db.session.commit()
    return {"chain": chain.id, "bureau": bureau}


def _upload(client, data: bytes):
    return client.post(
        "/chains/import", data={"file": (io.BytesIO(data), "图谱.xlsx")}, content_type="multipart/form-data"
    )


GOOD = [
    [1, "生物医药", "上游", "原料药", "浙江华海药业股份有限公司", "上市公司", "浙江台州", "高"],
    [2, "生物医药", "", "制剂/生物药", "药明生物技术有限公司", "外资企业", "江苏无锡", "重点"],
    [3, "生物医药", "下游", "医药流通", "", "", "", ""],
]


def test_a_sheet_as_offices_keep_it_adds_segments_and_targets(client, login_as, world):
    login_as("staff", department=world["bureau"])
    answer = _upload(client, sheet(*GOOD))
    assert answer.status_code == 302, answer.text[:2000]
    segments = {s.name: s for s in db.session.scalars(sa.select(ChainSegment))}
    assert set(segments) == {"制剂", "原料药", "生物药", "医药流通"}
    assert segments["原料药"].stage is SegmentStage.UPSTREAM
    assert segments["生物药"].parent_id == segments["制剂"].id
    assert segments["医药流通"].stage is SegmentStage.DOWNSTREAM
    targets = {t.name: t for t in db.session.scalars(sa.select(TargetCompany))}
    assert targets["浙江华海药业股份有限公司"].priority is TargetPriority.HIGH
    assert targets["浙江华海药业股份有限公司"].tier.name == "上市公司"
    assert targets["药明生物技术有限公司"].segment_id == segments["生物药"].id
    # Again: nothing new.
    assert _upload(client, sheet(*GOOD)).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(TargetCompany.id))) == 2
    assert db.session.scalar(sa.select(sa.func.count(ChainSegment.id))) == 4


def test_one_bad_row_writes_nothing_and_every_bad_row_is_named(client, login_as, world):
    login_as("admin")
    bad = sheet(
        *GOOD,
        [4, "新能源", "", "电池", "某电池公司", "", "", "高"],
        [5, "生物医药", "旁游", "检测", "某检测公司", "", "", ""],
        [6, "生物医药", "", "器械", "某器械公司", "隐形冠军", "", "很高"],
    )
    answer = _upload(client, bad)
    assert answer.status_code == 422
    text = answer.text
    assert "没有写入任何数据" in text
    assert "第 7 行：产业链「新能源」不存在" in text  # title, unit and header rows come first
    assert "第 8 行：上中下游「旁游」无效" in text
    assert "第 9 行：企业类型「隐形冠军」不在列表中" in text
    assert db.session.scalar(sa.select(sa.func.count(TargetCompany.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(ChainSegment.id))) == 1


def test_the_target_export_reads_back(client, login_as, world):
    login_as("admin")
    assert _upload(client, sheet(*GOOD)).status_code == 302
    exported = client.get(f"/chains/targets/export.xlsx?chain_id={world['chain']}").data
    db.session.execute(sa.delete(TargetCompany))
    db.session.commit()
    assert _upload(client, exported).status_code == 302
    names = set(db.session.scalars(sa.select(TargetCompany.name)))
    assert names == {"浙江华海药业股份有限公司", "药明生物技术有限公司"}
    assert db.session.scalar(sa.select(sa.func.count(ChainSegment.id))) == 4  # 生物药 found under 制剂


def test_a_chain_the_importer_may_not_edit_is_refused(client, login_as, world):
    login_as("staff")  # another department
    answer = _upload(client, sheet(*GOOD))
    assert answer.status_code == 422 and "您没有权限修改产业链「生物医药」" in answer.text
    assert client.get("/chains/import").status_code == 200
    client.post("/auth/logout")
    login_as("viewer")
    assert client.get("/chains/import").status_code == 403


def test_not_a_spreadsheet_is_refused(client, login_as, world):
    login_as("admin")
    answer = _upload(client, b"not an excel file")
    assert answer.status_code == 422 and ".xlsx" in answer.text
