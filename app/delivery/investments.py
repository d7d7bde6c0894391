"""Monthly investment reports (投资月报): one per project and month, in 万元.

- Filed by the project's team or lead department (`can_report_investment`)
  for a month of a year the project has a plan for, never a future month,
  never negative (a correction is a revision, not a negative month).
- A month is filed once: filing it again is refused (`DuplicateMonthError`, a 409 in
  the API) — it is corrected instead. Before review a correction simply
  updates the month (audited); once reviewed (审核) the month is locked, and
  a correction needs a reason, becomes a numbered revision (the old and new
  figures kept) and goes back to review.
- The year-to-date total and the latest month reported on the plan, and the
  cumulative total on the project (开工以来累计), are recomputed from the
  reports in the same transaction — derived, never typed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from app import attachments, audit, clock
from app.concurrency import check_version
from app.db import db, utcnow
from app.delivery.schedule import month_start
from app.models import AnnualPlan, Attachment, InvestmentReport, InvestmentRevision, Project, ReportStatus, Stage, User
from app.refusals import Refusal
from app.templating import wan

REPORT_FIELDS = ("completed", "progress")
AMOUNT_QUANTUM = Decimal("0.0001")


class ReportError(Refusal):
    """A refused monthly report; `field` names the form field."""


class DuplicateMonthError(ReportError):
    """The month is already filed: correct it instead (409 in the API)."""

    status = 409


def month_label(month: dt.date) -> str:
    return _("%(year)d年%(month)d月", year=month.year, month=month.month)


def report_of(project_id: int, month: dt.date) -> InvestmentReport | None:
    return db.session.scalar(
        sa.select(InvestmentReport).where(
            InvestmentReport.project_id == project_id, InvestmentReport.month == month_start(month)
        )
    )


def reports_of(project_id: int, year: int | None = None) -> list[InvestmentReport]:
    stmt = sa.select(InvestmentReport).where(InvestmentReport.project_id == project_id)
    if year is not None:
        stmt = stmt.where(InvestmentReport.month.between(dt.date(year, 1, 1), dt.date(year, 12, 1)))
    return list(db.session.scalars(stmt.order_by(InvestmentReport.month)))


def _check(project: Project, month: dt.date, completed: Decimal | None) -> tuple[dt.date, Decimal]:
    month = month_start(month)
    if month > month_start(clock.today()):
        raise ReportError(_("月报月份不能晚于本月。"), "month")
    if completed is None:
        raise ReportError(_("请填写本月完成投资（万元）。"), "completed")
    if completed < 0:
        raise ReportError(_("本月完成投资不能为负数；已报月份有误请更正该月（填写更正原因）。"), "completed")
    if project.stage is Stage.EXITED:
        raise ReportError(_("项目已退出，不再填报投资月报。"))
    on_list = db.session.scalar(
        sa.select(AnnualPlan.id).where(AnnualPlan.project_id == project.id, AnnualPlan.year == month.year)
    )
    if on_list is None:
        raise ReportError(_("该项目未列入 %(year)d 年重点项目计划，不能填报该年度月报。", year=month.year), "month")
    return month, completed.quantize(AMOUNT_QUANTUM)


def file_report(
    project: Project, month: dt.date, completed: Decimal | None, progress: str | None, actor: User
) -> InvestmentReport:
    """File `month`'s report for `project` (a month not filed before)."""
    month, completed = _check(project, month, completed)
    existing = report_of(project.id, month)
    if existing is not None:
        raise DuplicateMonthError(
            _(
                "%(month)s 的月报已填报（%(amount)s 万元），如有差错请更正该月并写明原因。",
                month=month_label(month),
                amount=wan(existing.completed),
            ),
            "month",
        )
    report = InvestmentReport(
        project_id=project.id,
        month=month,
        completed=completed,
        progress=(progress or "").strip() or None,
        status=ReportStatus.SUBMITTED,
        reported_by_id=actor.id,
        reported_at=utcnow(),
    )
    db.session.add(report)
    db.session.flush()
    audit.record(
        "create",
        "investment_report",
        report.id,
        changes={"project_id": project.id, "month": month.strftime("%Y-%m"), **audit.snapshot(report, REPORT_FIELDS)},
        summary=_(
            "%(project)s %(month)s 完成投资 %(amount)s 万元",
            project=project.name,
            month=month_label(month),
            amount=completed,
        ),
        user_id=actor.id,
    )
    refresh_totals(project, month.year)
    return report


def correct_report(
    report: InvestmentReport,
    completed: Decimal | None,
    progress: str | None,
    actor: User,
    *,
    reason: str | None = None,
    version: object = None,
) -> InvestmentReport:
    """Correct a filed month. A reviewed (locked) month needs a reason and
    becomes a new revision that goes back to review."""
    project = report.project
    if version is not None:
        check_version(report, "investment_report", version)
    month, completed = _check(project, report.month, completed)
    progress = (progress or "").strip() or None
    reason = (reason or "").strip() or None
    locked = report.status is ReportStatus.REVIEWED
    if locked and not reason:
        raise ReportError(
            _("%(month)s 的月报已审核锁定，更正须写明原因（将形成修订记录并重新审核）。", month=month_label(month)),
            "reason",
        )
    if completed == report.completed and progress == report.progress:
        raise ReportError(_("更正内容与原月报相同，无需更正。"), "completed")
    before = audit.snapshot(report, REPORT_FIELDS)
    if locked:
        report.revision += 1
        report.revisions.append(
            InvestmentRevision(
                revision=report.revision,
                previous_completed=report.completed,
                completed=completed,
                previous_progress=report.progress,
                progress=progress,
                reason=reason or "",
                changed_by_id=actor.id,
            )
        )
        report.status = ReportStatus.SUBMITTED
        report.reviewed_by_id = None
        report.reviewed_at = None
    report.completed = completed
    report.progress = progress
    report.reported_by_id = actor.id
    report.reported_at = utcnow()
    db.session.flush()
    changes = audit.diff(before, audit.snapshot(report, REPORT_FIELDS))
    if reason:
        changes["reason"] = reason
    if locked:
        changes["revision"] = report.revision
    audit.record(
        "update",
        "investment_report",
        report.id,
        changes={"project_id": project.id, "month": month.strftime("%Y-%m"), **changes},
        summary=_("%(project)s %(month)s 月报更正", project=project.name, month=month_label(month)),
        user_id=actor.id,
    )
    refresh_totals(project, month.year)
    return report


PHOTO_TYPES = ("image/jpeg", "image/png")


def add_photo(report: InvestmentReport, upload: FileStorage | None, actor: User) -> Attachment:
    """A site photo (现场照片) of the month; not once the month is reviewed."""
    if report.status is ReportStatus.REVIEWED:
        raise ReportError(_("%(month)s 的月报已审核锁定，不能再添加照片。", month=month_label(report.month)), "photo")
    try:
        if upload is not None and upload.filename and attachments.expected_type(upload.filename) not in PHOTO_TYPES:
            raise ReportError(_("现场照片须为 JPG 或 PNG 图片。"), "photo")
        return attachments.store("investment_report", report.id, upload, actor)
    except attachments.AttachmentError as error:
        raise ReportError(error.message, "photo") from None


def remove_photo(report: InvestmentReport, photo: Attachment, actor: User) -> None:
    if report.status is ReportStatus.REVIEWED:
        raise ReportError(_("%(month)s 的月报已审核锁定，不能删除照片。", month=month_label(report.month)))
    attachments.soft_delete(photo, actor)


def review_report(report: InvestmentReport, actor: User, *, version: object = None) -> InvestmentReport:
    """审核: the bureau confirms the month, which locks it."""
    if version is not None:
        check_version(report, "investment_report", version)
    if report.status is ReportStatus.REVIEWED:
        raise ReportError(_("%(month)s 的月报已审核。", month=month_label(report.month)))
    report.status = ReportStatus.REVIEWED
    report.reviewed_by_id = actor.id
    report.reviewed_at = utcnow()
    db.session.flush()
    audit.record(
        "review",
        "investment_report",
        report.id,
        changes={
            "project_id": report.project_id,
            "month": report.month.strftime("%Y-%m"),
            "status": ["submitted", "reviewed"],
        },
        summary=_("%(project)s %(month)s 月报审核通过", project=report.project.name, month=month_label(report.month)),
        user_id=actor.id,
    )
    return report


def refresh_totals(project: Project, year: int) -> None:
    """Recompute the plan's year-to-date total and latest month, and the
    project's cumulative total, from the reports."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 1)
    ytd, through = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(InvestmentReport.completed), 0), sa.func.max(InvestmentReport.month)
        ).where(InvestmentReport.project_id == project.id, InvestmentReport.month.between(first, last))
    ).one()
    # Statements, not attribute writes: a derived total is not an edit, so it
    # must not bump the versions a colleague's open plan or project form holds.
    db.session.execute(
        sa.update(AnnualPlan)
        .where(AnnualPlan.project_id == project.id, AnnualPlan.year == year)
        .values(completed=Decimal(ytd).quantize(AMOUNT_QUANTUM), reported_through=through),
        execution_options={"synchronize_session": "evaluate"},
    )
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(InvestmentReport.completed), 0)).where(
            InvestmentReport.project_id == project.id
        )
    )
    db.session.execute(
        sa.update(Project)
        .where(Project.id == project.id)
        .values(completed_investment=Decimal(total).quantize(AMOUNT_QUANTUM)),
        execution_options={"synchronize_session": "evaluate"},
    )
