"""三个一批 campaigns: creating and editing (admin, optimistic lock), naming
projects in a batch and taking them out (audited), 销号 read from the
agreements and stage changes (back-dated moves on their business date, a
stage reached before the campaign), the overdue state on a fixed clock, the
summaries by department and leader adding up to the rows, the viewer's
scope, the 台账 export, and who may do what."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.db import db
from app.delivery import campaigns
from app.delivery.queries_campaigns import campaign_page
from app.models import AuditLog, Batch, Campaign, CampaignItem, DataScope, Role, Stage
from app.projects.services import move_stage
from tests import factories
from tests import factories_agreements as fa

TODAY = dt.date(2026, 11, 20)
Q4 = {"starts_on": dt.date(2026, 10, 1), "ends_on": dt.date(2026, 12, 31)}


@pytest.fixture
def today(set_today):
    return set_today(TODAY)


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def _audits(entity: str, action: str) -> list[AuditLog]:
    return list(db.session.scalars(sa.select(AuditLog).where(AuditLog.entity == entity, AuditLog.action == action)))


class District:
    """Two departments, two leaders, an admin and projects in each."""

    def __init__(self) -> None:
        self.admin = factories.user(Role.ADMIN, name="管理员")
        self.east = factories.department("东城街道")
        self.west = factories.department("西城街道")
        self.wang = factories.user(Role.LEADER, name="王副区长")
        self.li = factories.user(Role.LEADER, name="李副区长")

    def project(self, name: str, department, leader, *, stage: Stage = Stage.ATTRACTING, amount: int = 10000):
        return fa.project(
            name=name,
            stage=stage,
            department=department,
            by=self.admin,
            responsible_leader_id=leader.id,
            planned_investment=Decimal(amount),
        )


@pytest.fixture
def district(today) -> District:
    return District()


def _campaign(district: District, **fields) -> Campaign:
    return campaigns.save_campaign({"name": "2026年第四季度三个一批", **Q4, **fields}, district.admin)


# --- creating and editing ----------------------------------------------------------------


def test_admin_creates_a_campaign_audited_and_listed(client, login_as, district):
    login_as(district.admin)
    assert "新建" in client.get("/delivery/campaigns").get_data(as_text=True)
    response = client.post(
        "/delivery/campaigns/new",
        data={"name": "四季度三个一批", "starts_on": "2026-10-01", "ends_on": "2026-12-31", "notes": "区委部署"},
    )
    assert response.status_code == 302
    created = db.session.scalars(sa.select(Campaign)).one()
    assert (created.name, created.starts_on, created.ends_on, created.notes) == (
        "四季度三个一批",
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
        "区委部署",
    )
    assert response.headers["Location"].endswith(f"/delivery/campaigns/{created.id}")
    assert [a.entity_id for a in _audits("campaign", "create")] == [created.id]
    listing = client.get("/delivery/campaigns").get_data(as_text=True)
    assert "四季度三个一批" in listing and "2026-10-01" in listing


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "starts_on": "2026-10-01", "ends_on": "2026-12-31"}, "请填写活动名称。"),
        ({"name": "四季度", "starts_on": "", "ends_on": "2026-12-31"}, "请填写开始日期。"),
        ({"name": "四季度", "starts_on": "2026-10-01", "ends_on": "2026-09-30"}, "结束日期不能早于开始日期。"),
    ],
)
def test_a_refused_campaign_says_why_and_writes_nothing(client, login_as, district, data, message):
    login_as(district.admin)
    response = client.post("/delivery/campaigns/new", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _count(Campaign) == 0


def test_the_service_refuses_an_inverted_period(district):
    with pytest.raises(campaigns.CampaignError, match="结束日期不能早于开始日期") as refused:
        campaigns.save_campaign(
            {"name": "x", "starts_on": dt.date(2026, 12, 1), "ends_on": dt.date(2026, 11, 1)}, district.admin
        )
    assert refused.value.field == "ends_on"


def test_editing_saves_and_a_stale_edit_is_refused_keeping_the_input(client, login_as, district):
    campaign = _campaign(district)
    db.session.commit()
    login_as(district.admin)
    form = client.get(f"/delivery/campaigns/{campaign.id}/edit").get_data(as_text=True)
    assert f'value="{campaign.version}"' in form
    data = {"name": "四季度（调整）", "starts_on": "2026-10-01", "ends_on": "2026-12-31", "version": campaign.version}
    assert client.post(f"/delivery/campaigns/{campaign.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert campaign.name == "四季度（调整）"
    assert _audits("campaign", "update")[0].changes == {"name": ["2026年第四季度三个一批", "四季度（调整）"]}

    stale = {**data, "name": "另一人的修改", "version": 1}
    response = client.post(f"/delivery/campaigns/{campaign.id}/edit", data=stale)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "您的修改尚未保存" in body and "另一人的修改" in body
    db.session.expire_all()
    assert campaign.name == "四季度（调整）"


def test_the_period_cannot_shrink_past_a_planned_date(district):
    campaign = _campaign(district)
    project = district.project("东城机器人产业园", district.east, district.wang)
    campaigns.add_item(campaign, project, Batch.SIGN, district.admin, planned_on=dt.date(2026, 12, 15))
    with pytest.raises(campaigns.CampaignError, match="「东城机器人产业园」的计划日期 2026-12-15 不在新的活动期内"):
        campaigns.save_campaign(
            {"name": campaign.name, "starts_on": Q4["starts_on"], "ends_on": dt.date(2026, 11, 30)},
            district.admin,
            campaign,
            version=campaign.version,
        )


def test_an_archived_campaign_is_hidden_but_from_admin_and_read_only(client, login_as, district):
    campaign = _campaign(district)
    db.session.commit()
    login_as(district.admin)
    assert client.post(f"/delivery/campaigns/{campaign.id}/archive").status_code == 302
    db.session.expire_all()
    assert campaign.archived_at is not None
    assert [a.entity_id for a in _audits("campaign", "archive")] == [campaign.id]
    page = client.get(f"/delivery/campaigns/{campaign.id}").get_data(as_text=True)
    assert "已归档" in page and "/items/new" not in page and "恢复" in page
    assert "2026年第四季度三个一批" in client.get("/delivery/campaigns").get_data(as_text=True)
    with pytest.raises(campaigns.CampaignError, match="该活动已归档，恢复后才能修改"):
        campaigns.add_item(campaign, district.project("x", district.east, district.wang), Batch.SIGN, district.admin)
    db.session.rollback()
    edit = {"name": "归档后改名", "starts_on": "2026-10-01", "ends_on": "2026-12-31", "version": campaign.version}
    refused = client.post(f"/delivery/campaigns/{campaign.id}/edit", data=edit, follow_redirects=True)
    assert "该活动已归档，恢复后才能修改。" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert campaign.name == "2026年第四季度三个一批"

    viewer = factories.user(Role.VIEWER)
    db.session.commit()
    client.post("/auth/logout")
    login_as(viewer)
    assert "2026年第四季度三个一批" not in client.get("/delivery/campaigns").get_data(as_text=True)
    assert client.get(f"/delivery/campaigns/{campaign.id}").status_code == 404

    client.post("/auth/logout")
    login_as(district.admin)
    assert client.post(f"/delivery/campaigns/{campaign.id}/restore").status_code == 302
    db.session.expire_all()
    assert campaign.archived_at is None
    assert [a.entity_id for a in _audits("campaign", "restore")] == [campaign.id]


# --- the projects of a batch -------------------------------------------------------------


def test_several_projects_join_a_batch_at_once_each_audited(client, login_as, district):
    campaign = _campaign(district)
    a = district.project("东城机器人产业园", district.east, district.wang, stage=Stage.SIGNED)
    b = district.project("西城数据中心", district.west, district.li, stage=Stage.SIGNED)
    db.session.commit()
    login_as(district.admin)
    picker = client.get(f"/delivery/campaigns/{campaign.id}/items/new?batch=start").get_data(as_text=True)
    assert "东城机器人产业园" in picker and "西城数据中心" in picker
    response = client.post(
        f"/delivery/campaigns/{campaign.id}/items/new?batch=start",
        data={"project_ids": [str(a.id), str(b.id)], "planned_on": "2026-12-10", "note": "年底前开工"},
    )
    assert response.status_code == 302
    items = db.session.scalars(sa.select(CampaignItem).order_by(CampaignItem.id)).all()
    assert [(i.project_id, i.batch, i.planned_on, i.note) for i in items] == [
        (a.id, Batch.START, dt.date(2026, 12, 10), "年底前开工"),
        (b.id, Batch.START, dt.date(2026, 12, 10), "年底前开工"),
    ]
    assert sorted(x.entity_id for x in _audits("campaign_item", "create")) == sorted(i.id for i in items)
    # Already in the batch: no longer offered.
    again = client.get(f"/delivery/campaigns/{campaign.id}/items/new?batch=start").get_data(as_text=True)
    assert "东城机器人产业园" not in again


def test_the_picker_offers_pending_projects_first_and_never_exited_ones(client, login_as, district):
    campaign = _campaign(district)
    district.project("已签约的项目", district.east, district.wang, stage=Stage.SIGNED)
    district.project("在谈的项目", district.east, district.wang)
    gone = district.project("已退出的项目", district.east, district.wang)
    reason = db.session.scalar(sa.text("SELECT id FROM ref_item WHERE kind = 'reason' LIMIT 1"))
    move_stage(gone, Stage.EXITED, district.admin, reason_id=reason, note="企业放弃")
    db.session.commit()
    login_as(district.admin)
    pending = client.get(f"/delivery/campaigns/{campaign.id}/items/new?batch=sign").get_data(as_text=True)
    assert "在谈的项目" in pending and "已签约的项目" not in pending and "已退出的项目" not in pending
    every = client.get(f"/delivery/campaigns/{campaign.id}/items/new?batch=sign&all=1").get_data(as_text=True)
    assert "在谈的项目" in every and "已签约的项目" in every and "已退出的项目" not in every


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("nothing", "请至少勾选一个项目。"),
        ("bogus", "所选项目无效，请重新选择。"),
        ("missing", "所选项目不存在或已不可选，请重新选择。"),
        ("duplicate", "「东城机器人产业园」已在签约一批中。"),
        ("outside", "计划日期须在活动期内（2026-10-01 至 2026-12-31）。"),
        ("exited", "「西城数据中心」已退出，不能列入三个一批。"),
    ],
)
def test_a_refused_addition_says_why_and_adds_none(client, login_as, district, case, message):
    campaign = _campaign(district)
    a = district.project("东城机器人产业园", district.east, district.wang)
    b = district.project("西城数据中心", district.west, district.li)
    campaigns.add_item(campaign, a, Batch.SIGN, district.admin)
    if case == "exited":
        reason = db.session.scalar(sa.text("SELECT id FROM ref_item WHERE kind = 'reason' LIMIT 1"))
        move_stage(b, Stage.EXITED, district.admin, reason_id=reason, note="企业放弃")
    db.session.commit()
    ids = {
        "nothing": [],
        "bogus": ["abc"],
        "missing": [str(b.id), "999999"],
        "duplicate": [str(b.id), str(a.id)],
        "outside": [str(b.id)],
        "exited": [str(b.id)],
    }[case]
    data = {"project_ids": ids, "planned_on": "2027-01-05" if case == "outside" else ""}
    login_as(district.admin)
    response = client.post(f"/delivery/campaigns/{campaign.id}/items/new?batch=sign&all=1", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _count(CampaignItem) == 1  # b was not added either


def test_an_items_planned_date_is_changed_and_it_is_removed_both_audited(client, login_as, district):
    campaign = _campaign(district)
    item = campaigns.add_item(
        campaign, district.project("东城机器人产业园", district.east, district.wang), Batch.SIGN, district.admin
    )
    other = campaigns.save_campaign({"name": "另一活动", **Q4}, district.admin)
    stray = campaigns.add_item(
        other, district.project("西城数据中心", district.west, district.li), Batch.SIGN, district.admin
    )
    db.session.commit()
    login_as(district.admin)
    url = f"/delivery/campaigns/{campaign.id}/items/{item.id}"
    refused = client.post(f"{url}/edit", data={"planned_on": "2026-09-30"})
    assert "计划日期须在活动期内" in refused.get_data(as_text=True)
    assert client.post(f"{url}/edit", data={"planned_on": "2026-11-30", "note": "提前"}).status_code == 302
    db.session.expire_all()
    assert (item.planned_on, item.note) == (dt.date(2026, 11, 30), "提前")
    assert _audits("campaign_item", "update")[0].changes == {
        "planned_on": [None, "2026-11-30"],
        "note": [None, "提前"],
    }
    assert client.post(f"{url}/remove").status_code == 302
    assert _count(CampaignItem, CampaignItem.campaign_id == campaign.id) == 0
    removed = _audits("campaign_item", "delete")
    assert [(r.entity_id, r.changes["batch"]) for r in removed] == [(item.id, "sign")]
    # Another campaign's item through this campaign's URL: 404.
    assert client.post(f"/delivery/campaigns/{campaign.id}/items/{stray.id}/remove").status_code == 404


# --- 销号: automatic, from the agreements and the stage changes --------------------------


def _row(page, project):
    return next(r for s in page.sections for r in s.rows if r.project.id == project.id)


def test_a_signed_agreement_ticks_off_the_sign_batch(client, login_as, district):
    campaign = _campaign(district)
    project = district.project("东城机器人产业园", district.east, district.wang)
    campaigns.add_item(campaign, project, Batch.SIGN, district.admin, planned_on=dt.date(2026, 11, 30))
    db.session.commit()
    login_as(district.admin)
    assert "未销号" in client.get(f"/delivery/campaigns/{campaign.id}").get_data(as_text=True)

    fa.agreement(project, district.admin, signed_on=dt.date(2026, 11, 12))
    db.session.commit()
    body = client.get(f"/delivery/campaigns/{campaign.id}").get_data(as_text=True)
    assert "已销号" in body and "2026-11-12" in body
    state = _row(campaign_page(campaign, district.admin, TODAY), project).state
    assert (state.achieved_on, state.label, state.remark) == (dt.date(2026, 11, 12), "已销号", "")


def test_a_back_dated_stage_move_counts_on_its_business_date(district):
    campaign = _campaign(district)
    project = district.project("西城数据中心", district.west, district.li, stage=Stage.SIGNED)
    campaigns.add_item(campaign, project, Batch.START, district.admin, planned_on=dt.date(2026, 11, 15))
    campaigns.add_item(campaign, project, Batch.PRODUCE, district.admin, planned_on=dt.date(2026, 12, 20))
    move_stage(project, Stage.CONSTRUCTION, district.admin, note="补录：11月3日开工", on=dt.date(2026, 11, 3))
    page = campaign_page(campaign, district.admin, TODAY)
    start = page.sections[1]
    assert [(r.state.label, r.state.achieved_on) for r in start.rows] == [("已销号", dt.date(2026, 11, 3))]
    assert [r.state.label for r in page.sections[2].rows] == ["未销号"]  # not yet producing
    assert (start.tally.planned, start.tally.achieved) == (1, 1)


def test_a_stage_reached_before_the_campaign_counts_and_says_so(client, login_as, district):
    campaign = _campaign(district)
    project = district.project("东城机器人产业园", district.east, district.wang)
    fa.agreement(project, district.admin, signed_on=dt.date(2026, 9, 20))
    campaigns.add_item(campaign, project, Batch.SIGN, district.admin)
    db.session.commit()
    state = _row(campaign_page(campaign, district.admin, TODAY), project).state
    assert (state.achieved, state.before_campaign, state.remark) == (True, True, "活动前已完成")
    login_as(district.admin)
    assert "活动前已完成" in client.get(f"/delivery/campaigns/{campaign.id}").get_data(as_text=True)


def test_overdue_on_a_fixed_clock(set_today, district):
    campaign = _campaign(district)
    dated = district.project("东城机器人产业园", district.east, district.wang)
    undated = district.project("西城数据中心", district.west, district.li)
    campaigns.add_item(campaign, dated, Batch.SIGN, district.admin, planned_on=dt.date(2026, 11, 19))
    campaigns.add_item(campaign, undated, Batch.SIGN, district.admin)  # due by the campaign's end

    def labels(day):
        page = campaign_page(campaign, district.admin, day)
        return [_row(page, dated).state.label, _row(page, undated).state.label, page.total.overdue]

    assert labels(dt.date(2026, 11, 19)) == ["未销号", "未销号", 0]  # due today: not yet overdue
    assert labels(dt.date(2026, 11, 20)) == ["逾期未销号", "未销号", 1]
    assert labels(dt.date(2027, 1, 1)) == ["逾期未销号", "逾期未销号", 2]
    # Signed late: ticked off, marked 晚于计划, no longer overdue.
    set_today(dt.date(2026, 11, 25))
    fa.agreement(dated, district.admin, signed_on=dt.date(2026, 11, 24))
    state = _row(campaign_page(campaign, district.admin, dt.date(2026, 11, 25)), dated).state
    assert (state.label, state.overdue, state.remark) == ("已销号", False, "晚于计划")


def test_the_department_and_leader_summaries_add_up_to_the_rows(district):
    campaign = _campaign(district)
    east_a = district.project("东城甲", district.east, district.wang, stage=Stage.SIGNED, amount=30000)
    east_b = district.project("东城乙", district.east, district.li, amount=5000)
    west_a = district.project("西城甲", district.west, district.li, stage=Stage.CONSTRUCTION, amount=80000)
    orphan = fa.project(name="无牵头部门", by=district.admin, planned_investment=Decimal(700))
    for project, batch in [
        (east_a, Batch.SIGN),
        (east_b, Batch.SIGN),
        (east_a, Batch.START),
        (west_a, Batch.START),
        (west_a, Batch.PRODUCE),
        (orphan, Batch.SIGN),
    ]:
        campaigns.add_item(campaign, project, batch, district.admin)
    page = campaign_page(campaign, district.admin, TODAY)
    rows = [r for s in page.sections for r in s.rows]
    assert len(rows) == 6

    def expected(key):
        found: dict = {}
        for r in rows:
            name = key(r.project)
            t = found.setdefault(name, [0, 0, Decimal(0)])
            t[0] += 1
            t[1] += r.state.achieved
            t[2] += r.project.planned_investment
        return found

    def shown(groups):
        return {g.name: [g.total.planned, g.total.achieved, g.total.planned_amount] for g in groups}

    assert shown(page.departments) == expected(
        lambda p: p.lead_department.name if p.lead_department else "未明确牵头部门"
    )
    assert shown(page.leaders) == expected(
        lambda p: p.responsible_leader.display if p.responsible_leader else "未明确责任领导"
    )
    assert page.departments[-1].name == "未明确牵头部门"
    assert shown(page.departments)["东城街道"] == [3, 1, Decimal(65000)]  # 甲 signed, 甲 not started, 乙 not signed
    assert shown(page.departments)["西城街道"] == [2, 1, Decimal(160000)]  # started, not producing
    total = page.total
    assert (total.planned, total.achieved) == (6, 2)
    assert (
        total.planned == sum(g.total.planned for g in page.departments) == sum(s.tally.planned for s in page.sections)
    )
    assert total.rate == Decimal("33.3")


def test_a_scoped_viewer_sees_and_counts_only_their_projects(client, login_as, district):
    campaign = _campaign(district)
    mine = district.project("东城机器人产业园", district.east, district.wang)
    theirs = district.project("西城数据中心", district.west, district.li, stage=Stage.SIGNED)
    campaigns.add_item(campaign, mine, Batch.SIGN, district.admin)
    campaigns.add_item(campaign, theirs, Batch.SIGN, district.admin)
    staff = factories.user(Role.STAFF, department=district.east, scope=DataScope.DEPARTMENT)
    db.session.commit()

    login_as(staff)
    body = client.get(f"/delivery/campaigns/{campaign.id}").get_data(as_text=True)
    assert "东城机器人产业园" in body and "西城数据中心" not in body
    assert "本页只列出您数据范围内的项目" in body
    assert "西城街道" not in body
    listing = client.get("/delivery/campaigns").get_data(as_text=True)
    assert "0 / 1" in listing and "0 / 2" not in listing and "1 / 2" not in listing
    book = load_workbook(io.BytesIO(client.get(f"/delivery/campaigns/{campaign.id}/export.xlsx").data))
    names = [row[2] for row in book["台账"].iter_rows(min_row=3, values_only=True)]
    assert names == ["东城机器人产业园", None]  # the row, then 合计
    assert "本人数据范围内的项目" in book["台账"]["A1"].value

    client.post("/auth/logout")
    login_as(district.admin)
    admin_body = client.get(f"/delivery/campaigns/{campaign.id}").get_data(as_text=True)
    assert "西城数据中心" in admin_body and "本页只列出您数据范围内的项目" not in admin_body
    assert "1 / 2" in client.get("/delivery/campaigns").get_data(as_text=True)


def test_the_export_is_a_printable_ledger(client, login_as, district):
    campaign = _campaign(district, name="四季度/三个一批")
    signed = district.project("东城机器人产业园", district.east, district.wang, amount=30000)
    pending = district.project("西城数据中心", district.west, district.li, amount=12000)
    fa.agreement(signed, district.admin, signed_on=dt.date(2026, 10, 8))
    campaigns.add_item(campaign, signed, Batch.SIGN, district.admin, planned_on=dt.date(2026, 10, 30))
    campaigns.add_item(campaign, pending, Batch.START, district.admin, planned_on=dt.date(2026, 11, 1))
    db.session.commit()
    login_as(district.admin)
    response = client.get(f"/delivery/campaigns/{campaign.id}/export.xlsx")
    assert response.status_code == 200
    assert quote("三个一批台账-四季度_三个一批.xlsx") in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["台账", "汇总"]
    sheet = book["台账"]
    assert sheet["A1"].value.startswith("三个一批台账：四季度/三个一批（2026-10-01 至 2026-12-31）")
    headers = [c.value for c in sheet[2]]
    assert headers[:9] == [
        "序号",
        "批次",
        "项目名称",
        "牵头部门",
        "责任领导",
        "计划日期",
        "完成日期",
        "销号状态",
        "计划总投资（万元）",
    ]
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref.startswith("A2:")
    assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "landscape"
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [r[1:3] + r[7:8] for r in rows[:2]] == [
        ("签约一批", "东城机器人产业园", "已销号"),
        ("开工一批", "西城数据中心", "逾期未销号"),
    ]
    assert rows[0][6].date() == dt.date(2026, 10, 8)
    assert rows[-1][0] == "合计" and rows[-1][8] == 42000
    summary = list(book["汇总"].iter_rows(min_row=3, values_only=True))
    assert summary[0][:5] == ("批次", "签约一批", 1, 1, 0)
    assert summary[3][:6] == ("合计", "三个一批", 2, 1, 1, 50.0)


# --- who may do what ---------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.STAFF, Role.LEADER, Role.VIEWER])
def test_only_admin_creates_or_names_projects_but_everyone_reads(client, login_as, district, role):
    campaign = _campaign(district)
    project = district.project("东城机器人产业园", district.east, district.wang)
    item = campaigns.add_item(campaign, project, Batch.SIGN, district.admin)
    db.session.commit()
    login_as(factories.user(role, department=district.east if role is Role.STAFF else None))
    assert client.get("/delivery/campaigns").status_code == 200
    assert "新建" not in client.get("/delivery/campaigns").get_data(as_text=True)
    page = client.get(f"/delivery/campaigns/{campaign.id}").get_data(as_text=True)
    assert "东城机器人产业园" in page and "/items/new" not in page and "/remove" not in page
    assert client.get(f"/delivery/campaigns/{campaign.id}/export.xlsx").status_code == 200
    forbidden = [
        ("GET", "/delivery/campaigns/new"),
        ("POST", "/delivery/campaigns/new"),
        ("POST", f"/delivery/campaigns/{campaign.id}/edit"),
        ("POST", f"/delivery/campaigns/{campaign.id}/archive"),
        ("POST", f"/delivery/campaigns/{campaign.id}/items/new?batch=start"),
        ("POST", f"/delivery/campaigns/{campaign.id}/items/{item.id}/edit"),
        ("POST", f"/delivery/campaigns/{campaign.id}/items/{item.id}/remove"),
    ]
    for method, url in forbidden:
        data = {"project_ids": [str(project.id)]} if method == "POST" else None
        assert client.open(url, method=method, data=data).status_code == 403, url
    assert _count(CampaignItem) == 1 and _count(Campaign) == 1


def test_a_missing_campaign_is_404(client, login_as, district):
    login_as(district.admin)
    assert client.get("/delivery/campaigns/999999").status_code == 404
    assert client.get("/delivery/campaigns/999999/export.xlsx").status_code == 404


def test_the_delivery_page_links_the_campaigns(client, login_as, district):
    login_as(district.admin)
    assert 'href="/delivery/campaigns"' in client.get("/delivery/").get_data(as_text=True)
