"""Attachments on agreements: content sniffed from the bytes, size limits,
file names that carry paths, storage outside the web root under random
keys, downloads only for those who may see the project, soft delete with an
audit entry — and nothing left behind (no row, no file) when refused."""

from __future__ import annotations

import io
import os

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from app import attachments
from app.db import db
from app.models import Attachment, AuditLog
from tests import factories
from tests import factories_agreements as fa


def stored_files(app) -> list[str]:
    """Every file under UPLOAD_DIR (temporary ones included)."""
    found = []
    for root, _dirs, files in os.walk(app.config["UPLOAD_DIR"]):
        found += [os.path.join(root, f) for f in files]
    return found


@pytest.fixture
def clean_uploads(app):
    for path in stored_files(app):
        os.unlink(path)
    yield
    for path in stored_files(app):
        os.unlink(path)


@pytest.fixture
def agreement_of_own_department(login_as, clean_uploads):
    dept = factories.department("东城街道")
    staff = login_as("staff", department=dept)
    project = fa.project(department=dept)
    agreement = fa.agreement(project)
    db.session.commit()
    return staff, agreement


def upload(client, agreement, content: bytes, name: str):
    return client.post(
        f"/agreements/{agreement.id}/attachments",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def count_rows() -> int:
    return db.session.scalar(sa.select(sa.func.count(Attachment.id)))


# --- sniffing and names (no HTTP) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (fa.PDF, "application/pdf"),
        (fa.JPEG, "image/jpeg"),
        (fa.PNG, "image/png"),
        (fa.EXE, None),
        (b"<html><script>alert(1)</script>", None),
        (b"", None),
        (b"%PD", None),
    ],
)
def test_content_type_comes_from_the_bytes(head, expected):
    assert attachments.sniff(head) == expected


@pytest.mark.parametrize(
    "name",
    ["../../x.pdf", "..\\..\\x.pdf", "/etc/passwd.pdf", "C:\\Users\\x.pdf", "a/b.pdf", ".pdf", "x\x00.pdf", ""],
)
def test_names_with_paths_or_control_characters_are_refused(name):
    with pytest.raises(attachments.AttachmentError):
        attachments.clean_filename(name)


def test_a_plain_chinese_name_is_kept_for_display():
    assert attachments.clean_filename(" 投资协议（盖章版）.PDF ") == "投资协议（盖章版）.PDF"
    assert attachments.expected_type("投资协议（盖章版）.PDF") == "application/pdf"


# --- upload through the page ----------------------------------------------------------------------


def test_upload_stores_the_file_outside_the_web_root_under_a_random_key(app, client, agreement_of_own_department):
    staff, agreement = agreement_of_own_department
    response = upload(client, agreement, fa.PDF, "投资协议.pdf")
    assert "已上传 投资协议.pdf" in response.get_data(as_text=True)

    row = db.session.scalar(sa.select(Attachment))
    assert (row.owner_type, row.owner_id, row.filename, row.content_type, row.size) == (
        "agreement",
        agreement.id,
        "投资协议.pdf",
        "application/pdf",
        len(fa.PDF),
    )
    assert row.uploaded_by_id == staff.id and len(row.sha256) == 64
    path = attachments.stored_path(row.stored_key)
    with open(path, "rb") as stored:
        assert stored.read() == fa.PDF
    assert "投资协议" not in path and row.stored_key in path
    static = os.path.realpath(app.static_folder)
    assert not os.path.realpath(path).startswith(static)
    assert stored_files(app) == [path]  # no temporary file left beside it
    assert db.session.scalar(sa.select(AuditLog.action).where(AuditLog.entity == "attachment")) == "create"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (fa.EXE, "协议.pdf", "文件内容不是 PDF、JPG 或 PNG"),
        (b"#!/bin/sh\nrm -rf /\n", "协议.pdf", "文件内容不是 PDF、JPG 或 PNG"),
        (fa.PNG, "协议.pdf", "文件内容与扩展名不符"),
        (fa.PDF, "协议.exe", "只能上传 PDF、JPG 或 PNG"),
        (fa.PDF, "协议", "只能上传 PDF、JPG 或 PNG"),
        (fa.PDF, "../../x.pdf", "文件名不能包含路径"),
        (fa.PDF, "..\\..\\x.pdf", "文件名不能包含路径"),
        (b"", "空文件.pdf", "文件是空的"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(
    app, client, agreement_of_own_department, content, name, message
):
    _staff, agreement = agreement_of_own_department
    response = upload(client, agreement, content, name)
    assert message in response.get_data(as_text=True)
    assert count_rows() == 0
    assert stored_files(app) == []
    assert not os.path.exists(os.path.join(os.path.dirname(app.config["UPLOAD_DIR"]), "x.pdf"))


def test_upload_over_the_attachment_limit_is_refused(app, client, agreement_of_own_department):
    _staff, agreement = agreement_of_own_department
    limit = app.config["ATTACHMENT_MAX_BYTES"]
    too_big = fa.PDF + b"0" * (limit - len(fa.PDF) + 1)
    response = upload(client, agreement, too_big, "大文件.pdf")
    assert "文件过大" in response.get_data(as_text=True)
    assert count_rows() == 0 and stored_files(app) == []


def test_a_50_mb_upload_gets_a_clear_413_page_and_nothing_is_stored(app, client, agreement_of_own_department):
    _staff, agreement = agreement_of_own_department
    response = client.post(
        f"/agreements/{agreement.id}/attachments",
        data={"file": (io.BytesIO(fa.PDF + b"0" * (50 * 1024 * 1024)), "扫描件.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "上传的文件过大，未保存任何内容" in html and "20.0 MB" in html and "10.0 MB" in html
    assert count_rows() == 0 and stored_files(app) == []


def test_a_50_mb_agreement_form_is_refused_without_saving_the_agreement(app, client, login_as, clean_uploads):
    login_as("admin")
    project = fa.project()
    db.session.commit()
    data = fa.agreement_form()
    data["file"] = (io.BytesIO(fa.PDF + b"0" * (50 * 1024 * 1024)), "扫描件.pdf")
    response = client.post(f"/agreements/project/{project.id}/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    assert db.session.scalar(sa.text("SELECT count(*) FROM agreement")) == 0


def test_a_bad_file_on_the_agreement_form_stores_neither_agreement_nor_file(app, client, login_as, clean_uploads):
    login_as("admin")
    project = fa.project()
    db.session.commit()
    data = fa.agreement_form(signing_event="new", new_event_name="集中签约", new_event_held_on="2026-03-18")
    data["file"] = (io.BytesIO(fa.EXE), "协议.pdf")
    response = client.post(f"/agreements/project/{project.id}/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "文件内容不是 PDF、JPG 或 PNG" in response.get_data(as_text=True)
    assert db.session.scalar(sa.text("SELECT count(*) FROM agreement")) == 0
    assert db.session.scalar(sa.text("SELECT count(*) FROM signing_event")) == 0
    assert count_rows() == 0 and stored_files(app) == []


def test_a_good_file_on_the_agreement_form_is_attached(app, client, login_as, clean_uploads):
    login_as("admin")
    project = fa.project()
    db.session.commit()
    data = fa.agreement_form()
    data["file"] = (io.BytesIO(fa.JPEG), "签约现场.jpg")
    response = client.post(f"/agreements/project/{project.id}/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    row = db.session.scalar(sa.select(Attachment))
    assert row.content_type == "image/jpeg" and row.filename == "签约现场.jpg"


def test_a_file_written_in_a_transaction_that_rolls_back_is_removed(app, clean_uploads):
    admin = factories.user("admin")
    project = fa.project()
    agreement = fa.agreement(project)
    db.session.commit()
    row = attachments.store("agreement", agreement.id, FileStorage(io.BytesIO(fa.PDF), "a.pdf"), admin)
    path = attachments.stored_path(row.stored_key)
    assert os.path.exists(path)
    db.session.rollback()
    assert not os.path.exists(path)
    assert stored_files(app) == []

    kept = attachments.store("agreement", agreement.id, FileStorage(io.BytesIO(fa.PNG), "b.png"), admin)
    db.session.commit()
    assert os.path.exists(attachments.stored_path(kept.stored_key))


# --- download and delete -------------------------------------------------------------------------------


def test_download_is_an_attachment_with_nosniff(client, agreement_of_own_department):
    _staff, agreement = agreement_of_own_department
    upload(client, agreement, fa.PDF, "投资协议.pdf")
    row = db.session.scalar(sa.select(Attachment))
    response = client.get(f"/agreements/files/{row.id}")
    assert response.status_code == 200
    assert response.data == fa.PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E6%8A%95%E8%B5%84%E5%8D%8F%E8%AE%AE.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("same_department", 200), ("other_department", 404), ("viewer", 200), ("leader", 200), ("team_member", 200)],
)
def test_download_follows_who_may_see_the_project(client, login_as, clean_uploads, who, status):
    dept = factories.department("东城街道")
    project = fa.project(department=dept)
    agreement = fa.agreement(project)
    admin = factories.user("admin")
    row = attachments.store("agreement", agreement.id, FileStorage(io.BytesIO(fa.PDF), "a.pdf"), admin)
    db.session.commit()
    if who == "same_department":
        login_as("staff", department=dept)
    elif who == "other_department":
        login_as("staff", department=factories.department("西城街道"))
    elif who == "team_member":
        member = login_as("staff", department=factories.department("南湖街道"))
        project.team.append(member)
        db.session.commit()
    else:
        login_as(who)
    assert client.get(f"/agreements/files/{row.id}").status_code == status


def test_signed_out_users_are_sent_to_sign_in(client, clean_uploads):
    admin = factories.user("admin")
    agreement = fa.agreement(fa.project())
    row = attachments.store("agreement", agreement.id, FileStorage(io.BytesIO(fa.PDF), "a.pdf"), admin)
    db.session.commit()
    response = client.get(f"/agreements/files/{row.id}")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_delete_hides_the_file_keeps_it_on_disk_and_audits(client, login_as, agreement_of_own_department):
    _staff, agreement = agreement_of_own_department
    upload(client, agreement, fa.PDF, "投资协议.pdf")
    row = db.session.scalar(sa.select(Attachment))
    response = client.post(f"/agreements/files/{row.id}/delete", follow_redirects=True)
    assert "已删除附件 投资协议.pdf" in response.get_data(as_text=True)
    db.session.refresh(row)
    assert row.deleted_at is not None
    assert os.path.exists(attachments.stored_path(row.stored_key))
    assert client.get(f"/agreements/files/{row.id}").status_code == 404
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.entity == "attachment", AuditLog.action == "delete"))
    assert entry.entity_id == row.id and entry.changes["filename"] == "投资协议.pdf"


@pytest.mark.parametrize("role", ["viewer", "leader"])
def test_read_only_users_cannot_upload_or_delete(client, login_as, clean_uploads, role):
    admin = factories.user("admin")
    agreement = fa.agreement(fa.project())
    row = attachments.store("agreement", agreement.id, FileStorage(io.BytesIO(fa.PDF), "a.pdf"), admin)
    db.session.commit()
    login_as(role)
    assert upload(client, agreement, fa.PDF, "b.pdf").status_code == 403
    assert client.post(f"/agreements/files/{row.id}/delete").status_code == 403
    assert count_rows() == 1
    db.session.refresh(row)
    assert row.deleted_at is None


def test_an_attachment_of_another_owner_type_is_not_served_here(client, login_as, clean_uploads):
    admin = login_as("admin")
    row = attachments.store("problem", 1, FileStorage(io.BytesIO(fa.PDF), "a.pdf"), admin)
    db.session.commit()
    assert client.get(f"/agreements/files/{row.id}").status_code == 404


def test_tampered_stored_keys_never_become_paths():
    with pytest.raises(ValueError):
        attachments.stored_path("../../etc/passwd")
