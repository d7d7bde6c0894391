"""The audit trail: one function that adds an AuditLog row to the current
session, so it commits (or rolls back) with the change it records."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import orm

from app.db import db, utcnow
from app.models import AuditLog


def plain(value: Any) -> Any:
    """A JSON-safe form of a column value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return [plain(v) for v in value]
    if hasattr(value, "id") and hasattr(value, "__tablename__"):
        return value.id
    return value


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields` on `obj`, JSON-safe."""
    return {name: plain(getattr(obj, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def record(
    action: str,
    entity: str,
    entity_id: int | None = None,
    *,
    changes: dict[str, Any] | None = None,
    summary: str | None = None,
    user_id: int | None = None,
) -> AuditLog:
    """Add an audit row to the session; the caller's transaction commits it."""
    entry = AuditLog(**row(action, entity, entity_id, changes=changes, summary=summary, user_id=user_id))
    db.session.add(entry)
    return entry


def row(
    action: str,
    entity: str,
    entity_id: int | None = None,
    *,
    changes: dict[str, Any] | None = None,
    summary: str | None = None,
    user_id: int | None = None,
) -> dict[str, Any]:
    """The column values `record` writes, for `record_many`."""
    if user_id is None and has_request_context() and current_user.is_authenticated:
        user_id = current_user.id
    return {
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "changes": changes or None,
        "summary": (summary or "")[:500] or None,
        "user_id": user_id,
        "ip": request.remote_addr if has_request_context() else None,
    }


def record_row(values: dict[str, Any]) -> AuditLog:
    """`record` for a row made by `row` (one record's write; the same path
    every single write is audited through)."""
    return record(
        values["action"],
        values["entity"],
        values["entity_id"],
        changes=values["changes"],
        summary=values["summary"],
        user_id=values["user_id"],
    )


def record_many(rows: list[dict[str, Any]]) -> None:
    """Insert audit rows made by `row` in one statement, in their order, in
    the caller's transaction: a ledger import audits thousands of records,
    and an ORM object each was a large part of its time. No object enters
    the session (nothing else refers to an audit row)."""
    if rows:
        db.session.execute(sa.insert(AuditLog.__table__), [{"at": utcnow(), **values} for values in rows])


def history(entity: str, entity_id: int, limit: int = 200) -> list[AuditLog]:
    """The audit entries of one record, newest first (one query)."""
    return list(
        db.session.scalars(
            sa.select(AuditLog)
            .options(orm.joinedload(AuditLog.user))
            .where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
            .order_by(AuditLog.at.desc(), AuditLog.id.desc())
            .limit(limit)
        )
    )


ENTITY_LABELS = {
    "user": "用户",
    "department": "部门",
    "ref_item": "基础数据",
    "company": "企业",
    "lead": "线索",
    "visit": "拜访记录",
    "project": "项目",
    "milestone": "时间节点",
    "problem": "问题",
    "agreement": "协议",
    "funding": "资金到位",
    "attachment": "附件",
    "target": "目标任务",
    "import": "导入",
    "workday": "工作日调整",
    "annual_plan": "年度计划",
    "investment_report": "投资月报",
    "approval_item": "审批事项",
    "inspection": "督查事项",
    "approval_meeting": "联审联批会",
    "campaign": "三个一批活动",
    "campaign_item": "三个一批项目",
    "activity": "招商活动",
    "activity_plan": "招商计划",
    "signing_event": "签约活动",
    "company_conflict": "撞单",
    "api_token": "API 令牌",
    "review_event": "观摩评比",
    "ranking_weight": "综合排名权重",
    "notify_channel": "消息推送渠道",
    "notify_preference": "消息设置",
    "outbox_message": "消息推送",
}

ACTION_LABELS = {
    "create": "新建",
    "update": "修改",
    "delete": "删除",
    "archive": "归档",
    "restore": "恢复",
    "stage": "阶段变更",
    "status": "状态变更",
    "merge": "合并",
    "import": "导入",
    "login": "登录",
    "login_failed": "登录失败",
    "login_refused": "拒绝登录",
    "password_change": "修改密码",
    "reset_password": "重置密码",
    "activate": "启用",
    "deactivate": "停用",
    "review": "审核",
    "acknowledge": "签收",
    "answer": "反馈",
    "close": "办结",
    "send_back": "退回",
    "clear_login_limit": "解除登录限制",
    "convert": "转为项目",
    "detect": "发现撞单",
    "follow_up_done": "跟进完成",
    "instruction": "领导批示",
    "progress": "进展",
    "reassign": "重新交办",
    "revoke": "吊销",
    "rule": "裁定",
    "score": "评分",
    "shelve": "搁置",
    "supervise": "督办",
    "targets": "设定目标",
    "unshelve": "恢复跟进",
    "withdraw": "撤回",
    "retry": "重新发送",
    "test": "发送测试",
}
