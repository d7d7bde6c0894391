"""Agreements: the stage effect of signing, recording and editing through
the pages, bad input, archiving, access, and the project panel."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import render_template_string
from flask_login import login_user
from werkzeug.datastructures import FileStorage

from app import attachments, clock
from app.agreements import services
from app.agreements.project_panel import project_panel
from app.db import db
from app.models import Agreement, AgreementKind, AuditLog, Project, SigningEvent, Stage, StageChange
from app.projects.services import move_stage
from app.refusals import StaleEdit
from tests import factories
from tests import factories_agreements as fa


def stage_changes(project: Project) -> list[StageChange]:
    return list(
        db.session.scalars(sa.select(StageChange).where(StageChange.project_id == project.id).order_by(StageChange.id))
    )


# --- stage effect of signing ------------------------------------------------------


def test_signing_moves_an_attracting_project_to_signed_with_one_stage_change():
    project = fa.project(stage=Stage.ATTRACTING)
    fa.agreement(project, signed_on=dt.date(2026, 3, 18))
    db.session.commit()

    assert project.stage is Stage.SIGNED
    assert project.signed_on == dt.date(2026, 3, 18)
    moves = [c for c in stage_changes(project) if c.from_stage is not None]
    assert len(moves) == 1
    assert (moves[0].from_stage, moves[0].to_stage, moves[0].changed_on) == (
        Stage.ATTRACTING,
        Stage.SIGNED,
        dt.date(2026, 3, 18),
    )
    assert "投资协议" in moves[0].note


def test_a_planning_project_skips_ahead_to_signed_with_a_note():
    project = fa.project(stage=Stage.PLANNING)
    fa.agreement(project, kind=AgreementKind.FRAMEWORK, signed_on=dt.date(2026, 2, 1))
    assert project.stage is Stage.SIGNED
    move = stage_changes(project)[-1]
    assert move.from_stage is Stage.PLANNING and "框架协议" in move.note


def test_framework_then_investment_agreement_is_one_signing():
    project = fa.project(stage=Stage.ATTRACTING)
    fa.agreement(
        project, kind=AgreementKind.FRAMEWORK, signed_on=dt.date(2026, 1, 10), agreed_investment=Decimal(30000)
    )
    fa.agreement(
        project, kind=AgreementKind.INVESTMENT, signed_on=dt.date(2026, 3, 18), agreed_investment=Decimal(52000)
    )
    db.session.commit()

    assert project.stage is Stage.SIGNED
    assert project.signed_on == dt.date(2026, 1, 10)  # counted once, at its first signing
    assert len([c for c in stage_changes(project) if c.to_stage is Stage.SIGNED]) == 1
    assert services.signed_amount(project.agreements) == Decimal(52000)


@pytest.mark.parametrize("stage", [Stage.SIGNED, Stage.LANDED, Stage.CONSTRUCTION, Stage.PRODUCTION])
def test_signing_a_project_already_signed_or_further_leaves_its_stage(stage):
    project = fa.project(stage=stage)
    before = len(stage_changes(project))
    fa.agreement(project, kind=AgreementKind.SUPPLEMENTARY, is_capital_increase=True, agreed_investment=Decimal(5000))
    assert project.stage is stage
    assert len(stage_changes(project)) == before


def test_an_exited_project_takes_no_agreement():
    project = fa.project(stage=Stage.ATTRACTING)
    reason_id = db.session.scalar(sa.text("SELECT id FROM ref_item WHERE kind = 'reason' AND name = '选址他处'"))
    move_stage(project, Stage.EXITED, fa.actor(), reason_id=reason_id)
    with pytest.raises(services.AgreementError, match="已退出"):
        fa.agreement(project)


# --- service-level bad input ---------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"signed_on": clock.today() + dt.timedelta(days=1)}, "signed_on"),
        (
            {"committed_construction_on": dt.date(2027, 1, 1), "committed_production_on": dt.date(2026, 12, 31)},
            "committed_production_on",
        ),
        ({"agreed_investment": Decimal("-1")}, "agreed_investment"),
        ({"land_area": Decimal("-0.5")}, "land_area"),
        ({"kind": AgreementKind.INVESTMENT, "is_capital_increase": True}, "is_capital_increase"),
        ({"agreed_investment": None}, "agreed_investment"),
    ],
)
def test_service_refuses_bad_agreements(overrides, field):
    project = fa.project(stage=Stage.ATTRACTING)
    with pytest.raises(services.AgreementError) as caught:
        services.record_agreement(project, fa.agreement_data(**overrides), fa.actor())
    assert caught.value.field == field
    assert project.stage is Stage.ATTRACTING


# --- recording through the page ------------------------------------------------------------


def test_staff_records_an_agreement_with_a_new_signing_event(client, login_as):
    dept = factories.department("东城街道")
    staff = login_as("staff", department=dept)
    project = fa.project(stage=Stage.ATTRACTING, department=dept)
    db.session.commit()

    response = client.post(
        f"/agreements/project/{project.id}/new",
        data=fa.agreement_form(
            signing_event="new",
            new_event_name="2026年一季度重大项目集中签约活动",
            new_event_held_on="2026-03-18",
            new_event_place="区会议中心",
            foreign_investment="1200",
            land_area="85.5",
            committed_output="120000",
            committed_tax="6000",
        ),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    agreement = db.session.scalar(sa.select(Agreement).where(Agreement.project_id == project.id))
    assert agreement.signing_event.name == "2026年一季度重大项目集中签约活动"
    assert agreement.land_area == Decimal("85.5") and agreement.foreign_investment == Decimal(1200)
    assert agreement.created_by_id == staff.id
    db.session.refresh(project)
    assert project.stage is Stage.SIGNED
    actions = set(
        db.session.execute(sa.select(AuditLog.entity, AuditLog.action).where(AuditLog.user_id == staff.id)).all()
    )
    assert {("agreement", "create"), ("signing_event", "create"), ("project", "stage")} <= actions

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2026年一季度重大项目集中签约活动" in page and "50,000.00" in page


def test_choosing_an_existing_event(client, login_as):
    login_as("admin")
    project = fa.project()
    event = fa.event("2026年招商引资推介会")
    db.session.commit()
    response = client.post(f"/agreements/project/{project.id}/new", data=fa.agreement_form(signing_event=str(event.id)))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Agreement.signing_event_id)) == event.id
    assert db.session.scalar(sa.select(sa.func.count(SigningEvent.id))) == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"signed_on": (clock.today() + dt.timedelta(days=3)).isoformat()}, "签约日期不能晚于今天"),
        (
            {"committed_construction_on": "2027-05-01", "committed_production_on": "2027-04-30"},
            "承诺投产日期不能早于承诺开工日期",
        ),
        ({"agreed_investment": "-100"}, "金额不能为负数"),
        ({"committed_tax": "-1"}, "金额不能为负数"),
        ({"land_area": "-3"}, "面积不能为负数"),
        ({"agreed_investment": "五千万"}, "金额格式无法识别"),
        ({"agreed_investment": ""}, "请填写协议投资额"),
        ({"signing_event": "new", "new_event_name": ""}, "新建签约活动须填写名称"),
        ({"signing_event": "99999"}, "所选签约活动不存在"),
        ({"kind": "investment", "is_capital_increase": "y"}, "只有补充协议可以标记为增资"),
    ],
)
def test_bad_agreement_input_is_refused_and_nothing_is_stored(client, login_as, overrides, message):
    login_as("admin")
    project = fa.project(stage=Stage.ATTRACTING)
    db.session.commit()
    response = client.post(f"/agreements/project/{project.id}/new", data=fa.agreement_form(**overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Agreement.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(SigningEvent.id))) == 0
    db.session.refresh(project)
    assert project.stage is Stage.ATTRACTING


def test_new_agreement_form_renders(client, login_as):
    login_as("admin")
    project = fa.project()
    db.session.commit()
    page = client.get(f"/agreements/project/{project.id}/new").get_data(as_text=True)
    assert "录入协议" in page and "承诺开工日期" in page and 'enctype="multipart/form-data"' in page
    assert "将按签约日期进入签约阶段" in page


# --- editing, optimistic locking, archive ------------------------------------------------------


def test_edit_is_audited_with_old_and_new_values(client, login_as):
    login_as("admin")
    project = fa.project()
    agreement = fa.agreement(project)
    db.session.commit()
    form = fa.agreement_form(agreed_investment="60000", version=str(agreement.version))
    response = client.post(f"/agreements/{agreement.id}/edit", data=form)
    assert response.status_code == 302
    db.session.refresh(agreement)
    assert agreement.agreed_investment == Decimal(60000)
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.entity == "agreement", AuditLog.action == "update"))
    assert entry.changes == {"agreed_investment": ["50000.0000", "60000.0000"]}


def test_second_save_of_a_stale_form_is_told_the_record_changed(client, login_as):
    login_as("admin")
    project = fa.project()
    agreement = fa.agreement(project)
    db.session.commit()
    stale_version = str(agreement.version)
    assert (
        client.post(
            f"/agreements/{agreement.id}/edit", data=fa.agreement_form(agreed_investment="61000", version=stale_version)
        ).status_code
        == 302
    )
    response = client.post(
        f"/agreements/{agreement.id}/edit", data=fa.agreement_form(agreed_investment="99999", version=stale_version)
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "修改" in html and "尚未保存" in html
    assert 'value="99999"' in html  # the user's input stays in the form
    db.session.refresh(agreement)
    assert agreement.agreed_investment == Decimal(61000)


def test_update_service_checks_the_version():
    project = fa.project()
    agreement = fa.agreement(project)
    with pytest.raises(StaleEdit):
        services.update_agreement(agreement, fa.agreement_data(), fa.actor(), version=agreement.version + 5)


def test_archive_hides_the_agreement_and_admin_restores_it(client, login_as):
    dept = factories.department()
    staff = login_as("staff", department=dept)
    project = fa.project(department=dept)
    agreement = fa.agreement(project)
    admin = factories.user("admin")
    db.session.commit()

    assert client.post(f"/agreements/{agreement.id}/archive", data={"reason": ""}).status_code == 302
    db.session.refresh(agreement)
    assert agreement.archived_at is None  # a reason is required

    response = client.post(f"/agreements/{agreement.id}/archive", data={"reason": "录入重复"})
    assert response.status_code == 302
    db.session.refresh(agreement)
    assert agreement.archived_at is not None
    assert db.session.get(Project, project.id).stage is Stage.SIGNED  # stage is not moved back
    assert client.get(f"/agreements/{agreement.id}").status_code == 404  # gone for non-admins
    assert client.post(f"/agreements/{agreement.id}/restore").status_code in (403, 404)
    assert db.session.scalar(sa.select(Agreement.id)) == agreement.id  # never deleted

    client.post("/auth/logout")
    login_as(admin)
    assert client.get(f"/agreements/{agreement.id}").status_code == 200
    assert client.post(f"/agreements/{agreement.id}/restore").status_code == 302
    db.session.refresh(agreement)
    assert agreement.archived_at is None
    actions = db.session.scalars(
        sa.select(AuditLog.action).where(AuditLog.entity == "agreement").order_by(AuditLog.id)
    ).all()
    assert actions == ["create", "archive", "restore"]
    assert staff.id in db.session.scalars(sa.select(AuditLog.user_id).where(AuditLog.action == "archive")).all()


# --- access -------------------------------------------------------------------------------------


@pytest.fixture
def other_department_project():
    own = factories.department("东城街道")
    other = factories.department("西城街道")
    project = fa.project(department=other)
    agreement = fa.agreement(project)
    db.session.commit()
    return own, project, agreement


def test_staff_of_another_department_gets_404_everywhere(client, login_as, other_department_project):
    own, project, agreement = other_department_project
    login_as("staff", department=own)
    for url in (
        f"/agreements/project/{project.id}",
        f"/agreements/project/{project.id}/new",
        f"/agreements/project/{project.id}/funding",
        f"/agreements/{agreement.id}",
        f"/agreements/{agreement.id}/edit",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/agreements/project/{project.id}/new", data=fa.agreement_form()).status_code == 404
    assert client.post(f"/agreements/{agreement.id}/archive", data={"reason": "x"}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Agreement.id))) == 1


@pytest.mark.parametrize("role", ["viewer", "leader"])
def test_viewers_and_leaders_read_but_do_not_record(client, login_as, other_department_project, role):
    _own, project, agreement = other_department_project
    login_as(role)
    assert client.get(f"/agreements/project/{project.id}").status_code == 200
    detail = client.get(f"/agreements/{agreement.id}")
    assert detail.status_code == 200 and "归档协议" not in detail.get_data(as_text=True)
    assert client.get(f"/agreements/project/{project.id}/new").status_code == 403
    assert client.post(f"/agreements/project/{project.id}/new", data=fa.agreement_form()).status_code == 403
    assert client.get(f"/agreements/{agreement.id}/edit").status_code == 403
    assert client.post(f"/agreements/{agreement.id}/archive", data={"reason": "x"}).status_code == 403
    panel = client.get(f"/agreements/project/{project.id}").get_data(as_text=True)
    assert "录入协议" not in panel


def test_team_member_from_another_department_may_record(client, login_as):
    other = factories.department()
    member = login_as("staff")
    project = fa.project(department=other)
    project.team.append(member)
    db.session.commit()
    response = client.post(f"/agreements/project/{project.id}/new", data=fa.agreement_form())
    assert response.status_code == 302


# --- the project panel -----------------------------------------------------------------------------


def test_project_panel_shows_amounts_rate_and_files_in_few_queries(app, client, login_as, count_queries):
    admin = login_as("admin")
    project = fa.project(stage=Stage.ATTRACTING)
    first = fa.agreement(
        project, kind=AgreementKind.FRAMEWORK, agreed_investment=Decimal(30000), signed_on=dt.date(2026, 1, 10)
    )
    fa.agreement(
        project, kind=AgreementKind.INVESTMENT, agreed_investment=Decimal(40000), signed_on=dt.date(2026, 3, 1)
    )
    fa.agreement(
        project,
        kind=AgreementKind.SUPPLEMENTARY,
        is_capital_increase=True,
        agreed_investment=Decimal(5000),
        signed_on=dt.date(2026, 4, 1),
    )
    for month, amount in ((dt.date(2026, 4, 1), "9000"), (dt.date(2026, 5, 1), "6000.5")):
        fa.funding(project, month, amount)
    attachments.store("agreement", first.id, FileStorage(io.BytesIO(fa.PDF), "框架协议.pdf"), admin)
    db.session.commit()

    html = client.get(f"/agreements/project/{project.id}").get_data(as_text=True)
    assert "45,000.00" in html  # latest investment agreement + the increase
    assert "15,000.50" in html  # cumulative received
    assert "33.3%" in html  # 15000.5 / 45000
    assert "框架协议.pdf" in html and "增资" in html

    with app.test_request_context():
        login_user(admin)
        project = db.session.get(Project, project.id)
        with count_queries() as n:
            render_template_string(
                '{% include "agreements/_project_panel.html" %}', project=project, panel=project_panel(project, admin)
            )
        assert n() <= 4


def test_panel_renders_for_a_project_without_agreements(app, login_as):
    admin = login_as("admin")
    project = fa.project()
    db.session.commit()
    with app.test_request_context():
        login_user(admin)
        html = render_template_string(
            '{% include "agreements/_project_panel.html" %}', project=project, panel=project_panel(project, admin)
        )
    assert "尚未录入签约协议" in html and "录入协议" in html


def test_correcting_the_signing_date_moves_the_projects_signing_date(client, login_as):
    TODAY = clock.today()  # noqa: N806
    login_as("admin")
    project = fa.project()
    agreement = fa.agreement(project, signed_on=TODAY - dt.timedelta(days=10))
    db.session.commit()
    assert project.signed_on == TODAY - dt.timedelta(days=10)
    corrected = (TODAY - dt.timedelta(days=40)).isoformat()
    form = fa.agreement_form(signed_on=corrected, version=str(agreement.version))
    assert client.post(f"/agreements/{agreement.id}/edit", data=form).status_code == 302
    db.session.refresh(project)
    assert project.signed_on.isoformat() == corrected
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.entity == "project", AuditLog.action == "update"))
    assert entry.changes["signed_on"][1] == corrected
