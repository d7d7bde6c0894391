"""Every kind of notification: its code (stored), its Chinese label and
whether a person may mute it. Kinds addressed to a person by name (their
lead, their instruction, their project turning red) cannot be muted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Kind:
    code: str
    label: Any
    mutable: bool


_KINDS = [
    Kind("instruction_new", _l("新批示"), True),
    Kind("instruction_answered", _l("批示已反馈"), False),
    Kind("problem_assigned", _l("问题交办"), True),
    Kind("problem_returned", _l("问题退回重办"), True),
    Kind("problem_escalated", _l("问题升级督办"), True),
    Kind("problem_supervised", _l("领导督办意见"), True),
    Kind("approval_assigned", _l("审批事项交办"), True),
    Kind("inspection_rectification", _l("督查整改要求"), True),
    Kind("conflict_opened", _l("撞单待裁定"), True),
    Kind("conflict_ruled", _l("撞单裁定结果"), False),
    Kind("import_failed", _l("导入失败"), True),
    Kind("lead_due", _l("线索时限明日到期"), False),
    Kind("lead_overdue", _l("线索超期"), False),
    Kind("milestone_due", _l("节点临近"), True),
    Kind("report_due", _l("月报待报"), True),
    Kind("project_red", _l("项目转为红灯"), False),
    Kind("desk_weekly", _l("工作台周报"), True),
    Kind("digest", _l("每日提醒"), True),
]

KINDS: dict[str, Kind] = {kind.code: kind for kind in _KINDS}


def kind(code: str) -> Kind:
    return KINDS[code]


def label(code: str) -> str:
    found = KINDS.get(code)
    return str(found.label) if found else code


def mutable_kinds() -> list[Kind]:
    return [k for k in _KINDS if k.mutable]
