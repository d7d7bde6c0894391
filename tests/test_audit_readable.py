"""The 操作记录 in words: field labels, names of referenced records (linked
when the reader may see them), reference-list values, statuses in Chinese,
"—" for nothing — on a record's history tab and in the admin's audit log."""

from __future__ import annotations

import re

from app.db import db
from app.leads import pipeline
from app.leads import services as lead_services
from app.models import LeadStatus, RefKind
from tests import factories
from tests import factories_leads as fl


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _edited_lead():
    east = factories.department("东城街道")
    alice = factories.user("staff", department=east, name="孙丽娜")
    company = fl.company("华润置业有限公司")
    lead = fl.lead(company=company, department=east, owner=alice, title="华润万象城项目")
    source = fl.ref(RefKind.SOURCE, "展会论坛")
    db.session.commit()
    data = {**lead_services.edit_data(lead), "source_id": source.id, "contact_name": "王总"}
    lead_services.update_lead(lead, data, alice, version=lead.version)
    pipeline.advance(lead, LeadStatus.CONTACTED, alice)
    db.session.commit()
    pipeline.convert_lead(lead, alice)
    db.session.commit()
    return lead, alice, source


def test_history_tab_names_fields_values_and_statuses(client, login_as):
    lead, _alice, _source = _edited_lead()
    login_as("admin")
    html = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    text = _text(html)
    assert "招商方式：— → 展会论坛" in text
    assert "联系人：— → 王总" in text
    assert "状态：新线索 → 已对接" in text
    assert "转为项目" in text  # the action named, not `convert`
    # The project the lead became is named and linked, not an id.
    project = lead.projects[0]
    assert f'<a href="/projects/{project.id}">华润万象城项目</a>' in html
    for raw in ("source_id", "project_id", "None", "status：new", "convert"):
        assert raw not in text, raw


def test_admin_audit_log_reads_the_same_way(client, login_as):
    _lead, _alice, _source = _edited_lead()
    login_as("admin")
    html = client.get("/admin/audit?entity=lead").get_data(as_text=True)
    text = _text(html)
    assert "招商方式：— → 展会论坛" in text and "新建" in text and "修改" in text
    assert "source_id" not in text and "None" not in text


def test_a_link_only_where_the_reader_may_see_the_record(client, login_as):
    lead, _alice, _source = _edited_lead()
    project = lead.projects[0]
    login_as("viewer")  # a supervisor sees every project: linked
    html = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert f'<a href="/projects/{project.id}">' in html
    # A reader who may not open the project gets its name without a link.
    from app.audit import history
    from app.audit_display import entries_for_display

    west = factories.department("西城街道")
    bob = factories.user("staff", department=west)
    db.session.commit()
    shown = [s for e in entries_for_display(history("lead", lead.id), bob) for c in e.changes for s in c.new]
    named = [s for s in shown if s.text == "华润万象城项目"]
    assert named and all(s.url is None for s in named)


def test_a_deleted_reference_is_said_so(app):
    from app.audit import record
    from app.audit_display import entries_for_display

    log = record("update", "lead", 1, changes={"owner_user_id": [999999, None], "is_key": [False, True]})
    db.session.flush()
    (entry,) = entries_for_display([log])
    texts = {c.label: ([s.text for s in c.old], [s.text for s in c.new]) for c in entry.changes}
    assert texts["责任人"] == (["（已删除 #999999）"], ["—"])
    assert texts["重点项目"] == (["否"], ["是"])
