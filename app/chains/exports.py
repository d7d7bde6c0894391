"""The chain 台账 as files: the target-company list (招商目标企业库) under the
list's filters, in the columns offices keep — 序号, 产业链, 环节, 目标企业,
企业类型, 所在地, 优先级, 责任部门, 状态, 引进理由, 对接情况 — which the
import reads back (`app/imports/chains.py`); and a chain's segments
(招商图谱: 产业链, 上中下游, 环节, 上级环节, 强弱, 本地企业, 链主企业, 项目,
已签约, 目标企业), with a 合计 row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Response
from flask_babel import gettext as _

from app import clock, xlsx
from app.chains.map import chain_map
from app.chains.queries import TargetFilters, contacts, target_statement
from app.db import db
from app.models import Chain, User

EXPORT_BATCH = 500


def target_headers() -> list[str]:
    return [
        _("序号"),
        _("产业链"),
        _("环节"),
        _("目标企业"),
        _("企业类型"),
        _("所在地"),
        _("优先级"),
        _("责任部门"),
        _("状态"),
        _("引进理由"),
        _("对接情况"),
    ]


def contact_text(contact: Any) -> str:
    if contact is None:
        return _("未对接")
    parts = []
    if contact.leads:
        parts.append(_("线索 %(n)d 条", n=contact.leads))
    if contact.first_department:
        parts.append(_("首报：%(dept)s", dept=contact.first_department))
    if contact.last_visit_on:
        parts.append(_("最近拜访 %(day)s", day=contact.last_visit_on.isoformat()))
    return "，".join(parts)


def target_rows(filters: TargetFilters, user: User) -> Iterator[list[Any]]:
    stmt = target_statement(filters, user)
    number = offset = 0
    while True:
        batch = db.session.scalars(stmt.limit(EXPORT_BATCH).offset(offset)).unique().all()
        if not batch:
            break
        contact = contacts(batch)
        for target in batch:
            number += 1
            yield [
                number,
                target.chain.name,
                target.segment.name if target.segment else "",
                target.name,
                target.tier.name if target.tier else "",
                target.region or "",
                target.priority.label,
                target.department.name if target.department else "",
                target.status.label,
                target.reason or "",
                contact_text(contact.get(target.id)),
            ]
        offset += EXPORT_BATCH
    yield [_("合计"), _("共 %(n)d 家", n=number), "", "", "", "", "", "", "", "", ""]


def targets_export(filters: TargetFilters, user: User) -> Response:
    today = clock.today()
    title = _("招商目标企业库")
    return xlsx.xlsx_response(
        f"招商目标企业库-{today.isoformat()}.xlsx",
        _("目标企业"),
        target_headers(),
        target_rows(filters, user),
        caption=xlsx.export_caption(title, filters.shown()),
        totals=False,
    )


def segment_headers() -> list[str]:
    return [
        _("产业链"),
        _("上中下游"),
        _("环节"),
        _("上级环节"),
        _("强弱"),
        _("本地企业"),
        _("链主企业"),
        _("项目"),
        _("已签约项目"),
        _("目标企业"),
    ]


def segments_export(chain: Chain) -> Response:
    """招商图谱-<chain>.xlsx: every segment with its own counts."""
    view = chain_map(chain)
    names = {node.segment.id: node.segment.name for node in view.nodes}
    rows: list[list[Any]] = []
    for node in view.nodes:
        own = node.own
        rows.append(
            [
                chain.name,
                node.segment.stage.label,
                node.segment.name,
                names.get(node.segment.parent_id, "") if node.segment.parent_id else "",
                node.strength_label,
                own.local,
                own.masters,
                own.projects,
                own.signed,
                own.targets,
            ]
        )
    total = view.total
    rows.append(
        [
            _("合计"),
            "",
            _("共 %(n)d 个环节", n=len(view.nodes)),
            "",
            "",
            total.local,
            total.masters,
            total.projects,
            total.signed,
            total.targets,
        ]
    )
    return xlsx.xlsx_response(
        f"招商图谱-{chain.name}-{clock.today().isoformat()}.xlsx",
        _("环节"),
        segment_headers(),
        rows,
        caption=xlsx.export_caption(_("招商图谱：%(name)s", name=chain.name)),
        totals=False,
    )
