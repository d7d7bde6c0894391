"""Excel at scale: a 10,000-row lead ledger imported through the pages
(upload → preview → commit, as a person does it), and the memory an export
of about 10,000 rows takes (tracemalloc peak of one request).

The import writes 10,000 leads, so it runs on a scratch copy of the seeded
database (a file copy on SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL)
that is thrown away afterwards; the seeded database stays reusable.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import time
import tracemalloc
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from openpyxl import Workbook
from sqlalchemy.engine import make_url

from app import clock
from app.db import db
from app.imports.leads import HEADERS
from app.models import Company, Department, ImportBatch, Lead, RefItem, RefKind
from bench.client import signed_in
from bench.common import open_app
from bench.databases import Target

IMPORT_ROWS = 10_000


def ledger(rows: int = IMPORT_ROWS) -> bytes:
    """A lead ledger like a district's: a third of the rows name companies
    already in the database (matched, some 撞单), the rest new ones."""
    sources = db.session.scalars(sa.select(RefItem.name).where(RefItem.kind == RefKind.SOURCE)).all()
    industries = db.session.scalars(sa.select(RefItem.name).where(RefItem.kind == RefKind.INDUSTRY)).all()
    departments = db.session.scalars(sa.select(Department.name).order_by(Department.id).limit(20)).all()
    existing = db.session.scalars(sa.select(Company.name).order_by(Company.id).limit(rows // 3)).all()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("线索台账")
    sheet.append([header for header, _field, _required in HEADERS])
    today = clock.today()
    for i in range(rows):
        company = existing[i // 3] if i % 3 == 0 and i // 3 < len(existing) else f"导入测试企业{i:05d}有限公司"
        record = {
            "title": f"导入投资意向{i:05d}",
            "company": company,
            "credit_code": "",
            "source": sources[i % len(sources)],
            "industry": industries[i % len(industries)],
            "amount": str(1000 + i),
            "contact_name": "李经理",
            "contact_phone": f"1380000{i:04d}",
            "department": departments[i % len(departments)],
            "received_on": (today - dt.timedelta(days=i % 300)).isoformat(),
            "note": "",
        }
        sheet.append([record[field] for _header, field, _required in HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def scratch_copy(target: Target) -> Target:
    """A throw-away copy of the seeded database `target`."""
    if target.dialect == "sqlite":
        source = Path(make_url(target.url).database or "")
        copy = source.with_name("import-scratch.sqlite3")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source, copy)
        return Target("sqlite", target.size, f"sqlite:///{copy}")
    url = make_url(target.url)
    name = f"{url.database}_import"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"')
    admin.dispose()
    return Target("postgresql", target.size, url.set(database=name).render_as_string(hide_password=False))


def drop_copy(copy: Target) -> None:
    if copy.dialect == "sqlite":
        path = make_url(copy.url).database or ""
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    url = make_url(copy.url)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}"')
    admin.dispose()


def time_import(target: Target, admin_username: str, rows: int = IMPORT_ROWS) -> dict[str, Any]:
    """Import `rows` leads into a copy of `target` through the pages."""
    copy = scratch_copy(target)
    app = open_app(copy.url)
    try:
        with app.app_context():
            data = ledger(rows)
            before = db.session.scalar(sa.select(sa.func.count(Lead.id))) or 0
        client = signed_in(app, admin_username)
        started = time.perf_counter()
        preview = client.post(
            "/imports/leads",
            data={"file": (io.BytesIO(data), "线索台账.xlsx")},
            content_type="multipart/form-data",
        )
        previewed = time.perf_counter()
        with app.app_context():
            batch_id = db.session.scalar(sa.select(sa.func.max(ImportBatch.id)))
        commit = client.post(f"/imports/batches/{batch_id}/commit")
        finished = time.perf_counter()
        with app.app_context():
            after = db.session.scalar(sa.select(sa.func.count(Lead.id))) or 0
            db.session.remove()
            db.engine.dispose()
        body = commit.get_data(as_text=True)
        return {
            "rows": rows,
            "preview_status": preview.status_code,
            "commit_status": commit.status_code,
            "created": after - before,
            "ok": preview.status_code == 200 and "导入完成" in body and after - before == rows,
            "preview_s": round(previewed - started, 2),
            "commit_s": round(finished - previewed, 2),
            "total_s": round(finished - started, 2),
            "file_kb": len(data) // 1024,
        }
    finally:
        drop_copy(copy)


def export_memory(app: Flask, admin_username: str, url: str) -> dict[str, Any]:
    """Peak Python memory (tracemalloc) of one export request and its size."""
    client = signed_in(app, admin_username)
    client.get(url)  # warm-up
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "status": response.status_code,
        "bytes": len(response.get_data()),
        "peak_mb": round(peak / 2**20, 1),
        "seconds_traced": round(elapsed, 2),
    }
