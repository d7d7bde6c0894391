"""Commits that cannot double (issue 17): the same import committed twice at
once (two clicks, two tabs) writes once and tells the second it is taken;
two files naming the same new companies, committed at once, make one company
each — on SQLite and on PostgreSQL, with real threads."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from app.db import db
from app.imports import service
from app.models import Company, ImportBatch, Lead, User
from app.refusals import Refusal
from tests import factories
from tests.test_imports_leads import workbook

NAMES = [f"并发测试企业{i:02d}有限公司" for i in range(20)]


def _file(title: str) -> bytes:
    return workbook(
        [[f"{title}{i}", name, "", "", "", "1000", "", "", "", "2026-03-01", ""] for i, name in enumerate(NAMES)]
    )


def _stored(app, data: bytes, user_id: int) -> int:
    actor = db.session.get(User, user_id)
    preview = service.preview_upload("leads", data, actor)
    assert preview.ok, preview.errors
    batch = service.store("leads", data, "并发.xlsx", actor, preview)
    db.session.commit()
    return batch.id


def _commit_at_once(app, batch_ids: list[int], user_id: int) -> list[str]:
    """Commit each batch in its own thread, all released together; what each
    thread got: 'ok' or the refusal's message."""
    barrier = threading.Barrier(len(batch_ids))
    outcomes: list[str] = [""] * len(batch_ids)

    def run(index: int, batch_id: int) -> None:
        with app.app_context():
            actor = db.session.get(User, user_id)
            batch = db.session.get(ImportBatch, batch_id)
            barrier.wait()
            try:
                service.commit_batch(batch, actor)
                db.session.commit()
                outcomes[index] = "ok"
            except Refusal as exc:
                db.session.rollback()
                outcomes[index] = exc.message
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, b)) for i, b in enumerate(batch_ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_same_batch_committed_twice_at_once_writes_once(app):
    staff = factories.user("staff")
    db.session.commit()
    batch_id = _stored(app, _file("意向"), staff.id)
    outcomes = _commit_at_once(app, [batch_id, batch_id], staff.id)
    assert outcomes.count("ok") == 1, outcomes
    refused = next(o for o in outcomes if o != "ok")
    assert "请勿重复提交" in refused
    db.session.expire_all()
    assert (_count(Lead), _count(Company)) == (len(NAMES), len(NAMES))


def test_two_files_naming_the_same_new_companies_make_one_company_each(app):
    staff = factories.user("staff")
    db.session.commit()
    first = _stored(app, _file("甲意向"), staff.id)
    second = _stored(app, _file("乙意向"), staff.id)
    outcomes = _commit_at_once(app, [first, second], staff.id)
    assert outcomes == ["ok", "ok"], outcomes
    db.session.expire_all()
    assert _count(Company) == len(NAMES)  # the second found the first's companies
    assert _count(Lead) == 2 * len(NAMES)
