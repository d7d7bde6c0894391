"""The events a feature's service reports, one call each, made in the same
transaction as the change (the emitter flushes, never commits). Each
function decides who is told and in what words; `emit` keeps out whoever may
not see the record or muted the kind. Services import this module inside the
function that calls it, so no feature depends on notifications at import."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from app.db import db
from app.models import ApprovalItem, CompanyConflict, ImportBatch, Instruction, Lead, Problem, Project, User
from app.notify.emitter import Emitted, emit

SNIPPET = 60


def _short(text: str | None, n: int = SNIPPET) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _team(project: Project | None) -> list[User]:
    return list(project.team) if project is not None else []


def instruction_new(instruction: Instruction, actor: User) -> Emitted:
    """A leader's new 批示 → the project's team (专班)."""
    project = instruction.project or db.session.get(Project, instruction.project_id)
    text = _(
        "%(leader)s 对项目「%(project)s」作出批示：%(text)s",
        leader=actor.name,
        project=project.name,
        text=_short(instruction.text),
    )
    return emit("instruction_new", text, project, users=_team(project), actor=actor)


def instruction_answered(instruction: Instruction, actor: User) -> Emitted:
    """The team answered a 批示 → the leader who issued it (by name)."""
    project = instruction.project or db.session.get(Project, instruction.project_id)
    leader = instruction.leader or (db.session.get(User, instruction.leader_id) if instruction.leader_id else None)
    text = _("项目「%(project)s」已反馈您的批示：%(answer)s", project=project.name, answer=_short(instruction.answer))
    return emit("instruction_answered", text, project, users=[leader], actor=actor)


def _problem_subject(problem: Problem) -> str:
    return problem.subject_name


def problem_assigned(problem: Problem, actor: User) -> Emitted:
    """A problem 交办 to a department → the project's team and that department."""
    deadline = problem.deadline.isoformat() if problem.deadline else "—"
    text = _(
        "「%(subject)s」的问题已交办，时限 %(deadline)s：%(text)s",
        subject=_problem_subject(problem),
        deadline=deadline,
        text=_short(problem.description),
    )
    return emit(
        "problem_assigned",
        text,
        problem,
        users=_team(problem.project),
        departments=[problem.responsible_department_id],
        actor=actor,
    )


def problem_returned(problem: Problem, reason: str, actor: User) -> Emitted:
    """An answer sent back (退回) → the project's team and the department."""
    text = _(
        "「%(subject)s」的问题答复被退回重办：%(reason)s", subject=_problem_subject(problem), reason=_short(reason)
    )
    return emit(
        "problem_returned",
        text,
        problem,
        users=_team(problem.project),
        departments=[problem.responsible_department_id],
        actor=actor,
    )


def problem_supervised(problem: Problem, level_label: str, note: str, actor: User) -> Emitted:
    """A leader's 督办意见 → the responsible department."""
    text = _(
        "%(leader)s 对「%(subject)s」的问题提出督办意见（%(level)s）：%(note)s",
        leader=actor.name,
        subject=_problem_subject(problem),
        level=level_label,
        note=_short(note),
    )
    return emit("problem_supervised", text, problem, departments=[problem.responsible_department_id], actor=actor)


def problem_escalated(problem: Problem, level_label: str, dedupe_key: str) -> Emitted:
    """A problem reached 黄/红 督办 by its overdue weeks → the responsible department."""
    text = _(
        "「%(subject)s」的问题逾期未办结，已升级为%(level)s：%(text)s",
        subject=_problem_subject(problem),
        level=level_label,
        text=_short(problem.description, 40),
    )
    return emit(
        "problem_escalated", text, problem, departments=[problem.responsible_department_id], dedupe_key=dedupe_key
    )


def approval_assigned(item: ApprovalItem, type_name: str, actor: User) -> Emitted:
    """An approval item addressed to a department → that department."""
    project = item.project or db.session.get(Project, item.project_id)
    text = _(
        "项目「%(project)s」的审批事项「%(type)s」由贵单位办理，计划完成 %(due)s",
        project=project.name,
        type=type_name,
        due=item.due_on.isoformat(),
    )
    return emit("approval_assigned", text, item, departments=[item.department_id], actor=actor)


def inspection_rectification(inspection: Any, actor: User | None = None) -> Emitted:
    """An inspection's rectification request (整改要求) → the responsible department."""
    deadline = inspection.deadline.isoformat() if getattr(inspection, "deadline", None) else "—"
    text = _("督查整改要求，时限 %(deadline)s：%(text)s", deadline=deadline, text=_short(inspection.requirement))
    return emit(
        "inspection_rectification", text, inspection, departments=[inspection.responsible_department_id], actor=actor
    )


def conflict_opened(conflict: CompanyConflict, company_name: str, actor: User | None) -> Emitted:
    """A new 撞单 to rule on → the admins."""
    text = _("企业「%(company)s」出现撞单，待裁定", company=company_name)
    return emit("conflict_opened", text, conflict, admins=True, actor=actor)


def conflicts_opened(count: int, actor: User | None) -> Emitted | None:
    """A batched import opened `count` 撞单 → one summary to the admins."""
    if not count:
        return None
    text = _("导入的线索新增 %(n)d 起撞单，待裁定", n=count)
    return emit("conflict_opened", text, None, admins=True, actor=actor, path="/companies/conflicts")


def conflict_ruled(conflict: CompanyConflict, summary: str, actor: User) -> Emitted:
    """A 撞单 ruling → the owner of the lead (by name)."""
    lead = db.session.get(Lead, conflict.lead_id)
    if lead is None:
        return Emitted()
    text = _("您的线索「%(title)s」撞单已裁定：%(summary)s", title=_short(lead.title, 40), summary=_short(summary))
    return emit("conflict_ruled", text, lead, users=[lead.owner_user], actor=actor)


def import_failed(batch: ImportBatch, actor: User | None) -> Emitted:
    """An import that failed with an unexpected error → the admins. Called
    after the import's own rollback; the caller commits it."""
    text = _("文件「%(name)s」导入失败（系统错误，未导入任何数据），请查看日志", name=_short(batch.filename, 80))
    return emit("import_failed", text, batch, admins=True, actor=actor)


def conflicts_ruled(conflicts: list[CompanyConflict], summary: str, actor: User) -> None:
    """A ruling on one 撞单 and those it covers → each lead's owner (by name)."""
    for conflict in conflicts:
        conflict_ruled(conflict, summary, actor)


def lead_clock_name(clock: str | None) -> str:
    """A lead clock's name for a sentence: 研判, 首次对接, 跟进 (the list's label without 超期)."""
    from app.leads.clocks import label

    return label(clock).removesuffix("超期")
