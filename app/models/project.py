"""Projects in the library (四库) and what the 五个一 mechanism hangs on
them: stage changes, team, milestones, progress updates, leader's
instructions (批示) and leader handovers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Money, Quantity, db, enum_column, trigram_index, utcnow
from app.models.enums import InstructionStatus, ProjectLevel, Stage
from app.models.mixins import ArchiveMixin, CreatedByMixin, TimestampMixin, VersionedMixin

if TYPE_CHECKING:
    from app.models.activity import Activity
    from app.models.agreement import Agreement, Funding
    from app.models.company import Company
    from app.models.lead import Lead, Visit
    from app.models.org import Department, RefItem, User
    from app.models.problem import Problem

project_team = sa.Table(
    "project_team",
    db.metadata,
    sa.Column("project_id", sa.ForeignKey("project.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_project_team_user_id", "user_id"),
)


class Project(VersionedMixin, TimestampMixin, ArchiveMixin, CreatedByMixin, db.Model):
    __tablename__ = "project"
    __table_args__ = (
        sa.CheckConstraint("planned_investment >= 0", name="planned_investment_nonnegative"),
        sa.CheckConstraint("land_area IS NULL OR land_area >= 0", name="land_area_nonnegative"),
        sa.CheckConstraint("expected_output IS NULL OR expected_output >= 0", name="expected_output_nonnegative"),
        sa.CheckConstraint("expected_tax IS NULL OR expected_tax >= 0", name="expected_tax_nonnegative"),
        sa.Index("ix_project_stage_dept", "stage", "lead_department_id"),
        # The library's tabs count and sum per stage, and a page walks one
        # stage in order of planned investment, on this index alone.
        sa.Index("ix_project_library", "stage", "archived_at", "planned_investment"),
        # 投资完成情况 reads the live projects' scope and grouping columns
        # here instead of the wide rows (app/reports/investment.py).
        sa.Index(
            "ix_project_report",
            "archived_at",
            "lead_department_id",
            "responsible_leader_id",
            "level",
            "kind_id",
            "industry_id",
            "created_by_id",
            "construction_on",
            "production_on",
        ),
        trigram_index("ix_project_search_text_trgm", "search_text"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False, index=True)
    search_text: Mapped[str] = mapped_column(sa.String(1000), nullable=False, default="")
    company_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("company.id", ondelete="RESTRICT"), index=True)
    lead_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("lead.id", ondelete="SET NULL"), index=True)
    industry_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("ref_item.id", ondelete="RESTRICT"), index=True)
    stage: Mapped[Stage] = mapped_column(enum_column(Stage), nullable=False, default=Stage.PLANNING, index=True)
    stage_changed_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    exit_from_stage: Mapped[Optional[Stage]] = mapped_column(enum_column(Stage))
    exit_reason_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("ref_item.id", ondelete="RESTRICT"))
    exit_note: Mapped[Optional[str]] = mapped_column(sa.Text)
    is_key: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False, index=True)
    level: Mapped[Optional[ProjectLevel]] = mapped_column(enum_column(ProjectLevel), index=True)  # 项目级别
    kind_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("ref_item.id", ondelete="RESTRICT"), index=True)
    planned_investment: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal("0"), index=True)
    land_area: Mapped[Optional[Decimal]] = mapped_column(Quantity)
    expected_output: Mapped[Optional[Decimal]] = mapped_column(Money)
    expected_tax: Mapped[Optional[Decimal]] = mapped_column(Money)
    location: Mapped[Optional[str]] = mapped_column(sa.String(200))
    description: Mapped[Optional[str]] = mapped_column(sa.Text)
    notes: Mapped[Optional[str]] = mapped_column(sa.Text)  # 备注: the ledger's remarks, not the description

    # 五个一: one leader, one team (lead department + members), one plan.
    responsible_leader_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    lead_department_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("department.id", ondelete="RESTRICT"), index=True
    )
    plan_text: Mapped[Optional[str]] = mapped_column(sa.Text)

    # Maintained dates: first time the project reached a stage (三个一批,
    # flow funnel) and the latest progress update (status light).
    signed_on: Mapped[Optional[date]] = mapped_column(sa.Date, index=True)
    landed_on: Mapped[Optional[date]] = mapped_column(sa.Date, index=True)
    construction_on: Mapped[Optional[date]] = mapped_column(sa.Date, index=True)
    production_on: Mapped[Optional[date]] = mapped_column(sa.Date, index=True)
    last_progress_on: Mapped[Optional[date]] = mapped_column(sa.Date, index=True)
    # 开工以来累计完成投资: the monthly reports summed (maintained).
    completed_investment: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal("0"))
    # The 招商活动 the project is credited to: its lead's when it has one
    # (kept in step by the lead services), else the one it names itself.
    activity_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("activity.id", ondelete="SET NULL"), index=True)

    company: Mapped[Optional[Company]] = relationship()
    origin_lead: Mapped[Optional[Lead]] = relationship(back_populates="projects")
    industry: Mapped[Optional[RefItem]] = relationship(foreign_keys=[industry_id])
    kind: Mapped[Optional[RefItem]] = relationship(foreign_keys=[kind_id])
    exit_reason: Mapped[Optional[RefItem]] = relationship(foreign_keys=[exit_reason_id])
    responsible_leader: Mapped[Optional[User]] = relationship(foreign_keys=[responsible_leader_id])
    lead_department: Mapped[Optional[Department]] = relationship()
    team: Mapped[list[User]] = relationship(secondary=project_team)
    stage_changes: Mapped[list[StageChange]] = relationship(
        back_populates="project", order_by="StageChange.changed_at", cascade="all, delete-orphan"
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="project", order_by="Milestone.due_on", cascade="all, delete-orphan"
    )
    progress_updates: Mapped[list[ProgressUpdate]] = relationship(
        back_populates="project", order_by="ProgressUpdate.happened_on.desc()", cascade="all, delete-orphan"
    )
    instructions: Mapped[list[Instruction]] = relationship(
        back_populates="project", order_by="Instruction.issued_at.desc()", cascade="all, delete-orphan"
    )
    handovers: Mapped[list[LeaderHandover]] = relationship(
        back_populates="project", order_by="LeaderHandover.changed_at", cascade="all, delete-orphan"
    )
    visits: Mapped[list[Visit]] = relationship(back_populates="project")
    agreements: Mapped[list[Agreement]] = relationship(back_populates="project", order_by="Agreement.signed_on")
    activity: Mapped[Optional[Activity]] = relationship()
    fundings: Mapped[list[Funding]] = relationship(back_populates="project", order_by="Funding.month")
    problems: Mapped[list[Problem]] = relationship(back_populates="project", order_by="Problem.raised_on.desc()")

    def __repr__(self) -> str:
        return f"<Project {self.id} {self.name} {self.stage.value}>"


class StageChange(db.Model):
    __tablename__ = "stage_change"
    __table_args__ = (
        sa.Index("ix_stage_change_to_changed", "to_stage", "changed_on"),
        # Each change's next one (周期分析's stays) read in this order, unsorted.
        sa.Index("ix_stage_change_stays", "project_id", "changed_on", "changed_at", "id", "to_stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True)
    from_stage: Mapped[Optional[Stage]] = mapped_column(enum_column(Stage))
    to_stage: Mapped[Stage] = mapped_column(enum_column(Stage), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    # The business date of the move (may differ from when it was entered).
    changed_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    changed_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    reason_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("ref_item.id", ondelete="RESTRICT"))
    note: Mapped[Optional[str]] = mapped_column(sa.Text)

    project: Mapped[Project] = relationship(back_populates="stage_changes")
    changed_by: Mapped[Optional[User]] = relationship()
    reason: Mapped[Optional[RefItem]] = relationship()

    def __repr__(self) -> str:
        return f"<StageChange project={self.project_id} {self.from_stage} -> {self.to_stage}>"


class Milestone(TimestampMixin, db.Model):
    __tablename__ = "milestone"
    __table_args__ = (sa.Index("ix_milestone_open_due", "project_id", "done_on", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    due_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    done_on: Mapped[Optional[date]] = mapped_column(sa.Date)

    project: Mapped[Project] = relationship(back_populates="milestones")

    def __repr__(self) -> str:
        return f"<Milestone {self.id} {self.name} due {self.due_on}>"


class ProgressUpdate(db.Model):
    __tablename__ = "progress_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True)
    happened_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    author_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)

    project: Mapped[Project] = relationship(back_populates="progress_updates")
    author: Mapped[Optional[User]] = relationship()

    def __repr__(self) -> str:
        return f"<ProgressUpdate project={self.project_id} on {self.happened_on}>"


class Instruction(VersionedMixin, db.Model):
    """A leader's instruction (领导批示) and its life cycle: 签收 by the team
    (办理中), a written 反馈, then the leader closes it (办结) or sends it
    back; `due_on` is its 办理时限 (the team owes the 反馈 by then)."""

    __tablename__ = "instruction"
    __table_args__ = (sa.Index("ix_instruction_status_due", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True)
    leader_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    issued_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    status: Mapped[InstructionStatus] = mapped_column(
        enum_column(InstructionStatus), nullable=False, default=InstructionStatus.ISSUED, server_default="issued"
    )
    due_on: Mapped[Optional[date]] = mapped_column(sa.Date)  # 办理时限
    acknowledged_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    acknowledged_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime, index=True)
    acknowledgement: Mapped[Optional[str]] = mapped_column(sa.Text)
    answer: Mapped[Optional[str]] = mapped_column(sa.Text)  # the team's written 反馈
    answered_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    answered_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime)
    closed_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    closed_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime)

    project: Mapped[Project] = relationship(back_populates="instructions")
    leader: Mapped[Optional[User]] = relationship(foreign_keys=[leader_id])
    acknowledged_by: Mapped[Optional[User]] = relationship(foreign_keys=[acknowledged_by_id])
    answered_by: Mapped[Optional[User]] = relationship(foreign_keys=[answered_by_id])
    closed_by: Mapped[Optional[User]] = relationship(foreign_keys=[closed_by_id])
    events: Mapped[list[InstructionEvent]] = relationship(
        back_populates="instruction", order_by="InstructionEvent.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Instruction {self.id} project={self.project_id}>"


class InstructionEvent(db.Model):
    """One step of an instruction's life: who moved it from what to what, and why."""

    __tablename__ = "instruction_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    instruction_id: Mapped[int] = mapped_column(
        sa.ForeignKey("instruction.id", ondelete="CASCADE"), nullable=False, index=True
    )
    from_status: Mapped[Optional[InstructionStatus]] = mapped_column(enum_column(InstructionStatus))
    to_status: Mapped[InstructionStatus] = mapped_column(enum_column(InstructionStatus), nullable=False)
    actor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    note: Mapped[Optional[str]] = mapped_column(sa.Text)

    instruction: Mapped[Instruction] = relationship(back_populates="events")
    actor: Mapped[Optional[User]] = relationship()


class LeaderHandover(db.Model):
    """Changing the responsible leader is a handover with a reason, never a
    silent overwrite."""

    __tablename__ = "leader_handover"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True)
    from_leader_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    to_leader_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.Text, nullable=False)
    changed_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)

    project: Mapped[Project] = relationship(back_populates="handovers")
    from_leader: Mapped[Optional[User]] = relationship(foreign_keys=[from_leader_id])
    to_leader: Mapped[Optional[User]] = relationship(foreign_keys=[to_leader_id])
    changed_by: Mapped[Optional[User]] = relationship(foreign_keys=[changed_by_id])

    def __repr__(self) -> str:
        return f"<LeaderHandover project={self.project_id}>"
