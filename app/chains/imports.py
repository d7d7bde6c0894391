"""Import of a 招商图谱 as offices keep it in Excel: one row per segment or
per target company — 产业链, 环节, 目标企业, 企业类型, 所在地, 优先级 (and,
when present, 上中下游, 上级环节, 责任部门, 引进理由). Title rows above the
header, 序号 and unknown columns and the 合计 row are tolerated (the table
is found and read by the import framework's `app.imports.sheets.read_table`,
with its limits on size and content); the target list's and the segments'
exports read back.

A row names its chain (which must exist, and which the importer may edit);
its 环节 is found by name under the chain — 「制剂/化学药」 or 「制剂 › 化学药」
for a sub-segment, or 上级环节 — and created when missing (上中下游 from its
column, else its parent's, else 中游); a row with a 目标企业 adds that target
(one already on the chain under that name is left as it is: a re-import
adds nothing).

All or nothing: every row goes through the chain services in the request's
one transaction; any refused row refuses the file with every row's Chinese
message (第 n 行：…) and nothing is written."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.chains import services
from app.chains.services import ChainError
from app.db import db
from app.departments import DepartmentNames
from app.imports.sheets import header_key, read_table
from app.models import Chain, ChainSegment, RefItem, RefKind, SegmentStage, TargetCompany, TargetPriority, User
from app.permissions.chains import can_edit_chain

MAX_ROWS = 20_000
MAX_ERRORS = 50
ALIASES = {
    header_key(k): v
    for k, v in {
        "产业链": "chain",
        "产业链名称": "chain",
        "环节": "segment",
        "产业链环节": "segment",
        "上中下游": "stage",
        "位置": "stage",
        "上级环节": "parent",
        "目标企业": "name",
        "目标企业名称": "name",
        "企业类型": "tier",
        "所在地": "region",
        "所在地区": "region",
        "优先级": "priority",
        "责任部门": "department",
        "责任单位": "department",
        "引进理由": "reason",
    }.items()
}
STAGES = {"上游": SegmentStage.UPSTREAM, "中游": SegmentStage.MIDSTREAM, "下游": SegmentStage.DOWNSTREAM}
PRIORITIES = {
    "高": TargetPriority.HIGH,
    "中": TargetPriority.MEDIUM,
    "低": TargetPriority.LOW,
    "一般": TargetPriority.MEDIUM,
    "重点": TargetPriority.HIGH,
    "A": TargetPriority.HIGH,
    "B": TargetPriority.MEDIUM,
    "C": TargetPriority.LOW,
}
_PATH = re.compile(r"\s*(?:›|>|/|／|－|—|→)\s*")


class ChainImportError(ChainError):
    """The file is refused: every row's message, numbered by its row."""


@dataclass
class ImportResult:
    rows: int = 0
    segments: int = 0
    targets: int = 0
    skipped: int = 0
    chains: set[str] = field(default_factory=set)


def _cell(values: dict[str, Any], name: str) -> str:
    value = values.get(name)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).replace("\x00", "").split())


class _Importer:
    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.result = ImportResult()
        self.chains: dict[str, Chain | None] = {}
        self.segments: dict[tuple[int, int | None, str], ChainSegment] = {}
        self.loaded: set[int] = set()
        self.tiers = {
            r.name: r.id
            for r in db.session.scalars(
                sa.select(RefItem).where(RefItem.kind == RefKind.TIER, RefItem.active.is_(True))
            )
        }
        self.departments = DepartmentNames()

    def chain(self, name: str) -> Chain:
        if name not in self.chains:
            self.chains[name] = db.session.scalar(
                sa.select(Chain).where(Chain.name == name, Chain.archived_at.is_(None))
            )
        chain = self.chains[name]
        if chain is None:
            raise ChainError(_("产业链「%(name)s」不存在，请先新建该产业链。", name=name))
        if not can_edit_chain(self.actor, chain):
            raise ChainError(_("您没有权限修改产业链「%(name)s」。", name=name))
        if chain.id not in self.loaded:
            for segment in db.session.scalars(sa.select(ChainSegment).where(ChainSegment.chain_id == chain.id)):
                self.segments[(chain.id, segment.parent_id, segment.name)] = segment
            self.loaded.add(chain.id)
        return chain

    def segment(self, chain: Chain, path: list[str], stage: SegmentStage | None) -> ChainSegment:
        if len(path) == 1 and (chain.id, None, path[0]) not in self.segments:
            # A bare name (as the exports write it) means the one sub-segment so named.
            named = [s for (c, _p, n), s in self.segments.items() if c == chain.id and n == path[0]]
            if len(named) == 1:
                return named[0]
        parent: ChainSegment | None = None
        for depth, name in enumerate(path):
            key = (chain.id, parent.id if parent else None, name)
            found = self.segments.get(key)
            if found is None:
                last = depth == len(path) - 1
                own_stage = (stage if last else None) or (parent.stage if parent else None) or SegmentStage.MIDSTREAM
                found = services.add_segment(
                    chain,
                    {"name": name, "stage": own_stage.value, "parent_id": parent.id if parent else None},
                    self.actor,
                )
                self.segments[key] = found
                self.result.segments += 1
            parent = found
        assert parent is not None
        return parent

    def row(self, values: dict[str, Any]) -> None:
        chain_name = _cell(values, "chain")
        if not chain_name:
            raise ChainError(_("请填写产业链。"))
        chain = self.chain(chain_name)
        raw_stage = _cell(values, "stage")
        stage = STAGES.get(raw_stage.rstrip("环节")) if raw_stage else None
        if raw_stage and stage is None:
            raise ChainError(_("上中下游「%(value)s」无效，应为上游、中游或下游。", value=raw_stage))
        path = [part for part in _PATH.split(_cell(values, "segment")) if part]
        parent = _cell(values, "parent")
        if parent and len(path) == 1:
            path = [part for part in _PATH.split(parent) if part] + path
        segment = self.segment(chain, path, stage) if path else None
        name = _cell(values, "name")
        if not name:
            if segment is None:
                raise ChainError(_("请填写环节或目标企业。"))
            return
        exists = db.session.scalar(
            sa.select(TargetCompany.id).where(
                TargetCompany.chain_id == chain.id, TargetCompany.name == name, TargetCompany.archived_at.is_(None)
            )
        )
        if exists:
            self.result.skipped += 1
            return
        tier = _cell(values, "tier")
        if tier and tier not in self.tiers:
            raise ChainError(
                _("企业类型「%(value)s」不在列表中，可选：%(known)s。", value=tier, known="、".join(self.tiers))
            )
        priority_text = _cell(values, "priority")
        priority = PRIORITIES.get(priority_text.rstrip("级").upper()) if priority_text else TargetPriority.MEDIUM
        if priority is None:
            raise ChainError(_("优先级「%(value)s」无效，应为高、中或低。", value=priority_text))
        department = _cell(values, "department")
        department_id = self.departments.get(department) if department else None
        if department and department_id is None:
            raise ChainError(_("责任部门「%(value)s」不存在。", value=department))
        services.create_target(
            {
                "name": name,
                "chain_id": chain.id,
                "segment_id": segment.id if segment else None,
                "tier_id": self.tiers.get(tier),
                "region": _cell(values, "region"),
                "priority": priority.value,
                "department_id": department_id,
                "reason": _cell(values, "reason"),
            },
            self.actor,
        )
        self.result.targets += 1


def import_chain_sheet(data: bytes, actor: User) -> ImportResult:
    """Read and apply the file; ChainImportError (nothing written once the
    caller rolls back) naming every refused row."""
    sheet = read_table(data, ALIASES, ("chain",), max_rows=MAX_ROWS)
    if "segment" not in {c.field for c in sheet.columns} and "name" not in {c.field for c in sheet.columns}:
        raise ChainImportError(_("表头中没有「环节」或「目标企业」列。"))
    importer = _Importer(actor)
    errors: list[str] = []
    for number, values in sheet.rows:
        try:  # a refusal comes before anything of the row is flushed
            importer.row(values)
        except ChainError as exc:
            errors.append(_("第 %(n)d 行：%(message)s", n=number, message=exc.message))
            if len(errors) >= MAX_ERRORS:
                errors.append(_("……错误过多，仅列出前 %(n)d 条。", n=MAX_ERRORS))
                break
        importer.result.rows += 1
        importer.result.chains.add(_cell(values, "chain"))
    if errors:
        raise ChainImportError(_("导入未完成，没有写入任何数据。") + "\n" + "\n".join(errors), "file")
    return importer.result
