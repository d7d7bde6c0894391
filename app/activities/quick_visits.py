"""批量记录拜访: the visits a participant logs during an activity for several
companies at once, written in the caller's ONE transaction — all rows or
none (the view commits through `attempt()`).

Each row names its company one way (`VisitRow.pick`):

- `lead:<id>` / `project:<id>` — a lead or project the actor may log on
  (`can_log_on_lead` / `can_log_on_project`, as on the lead's own form);
- `company:<id>` — a company on file: the visit goes onto the live lead the
  actor's department already has on it, else onto a new lead;
- `new` — the typed name is a new company (the lead services still ask once
  more when the very name is on file: `confirm_new_company`);
- empty — the typed name: a new lead, the lead services resolving the
  company (the look-alikes question, the 撞单 warning).

A new lead is the minimum `create_lead` requires: the company, 投资意向 (the
row's, else one naming the activity), the actor's department (and the actor
as its owner when they belong to it), received on the visit's date, the
招商方式 named like the activity's kind, and the activity itself. Two rows
naming the same new company make one lead with two visits.

The visit goes through `log_visit` with the activity (its date must fall
within the activity's), the row's participants and, as 出席领导, the first
of them who is a leader. A refusal names its row: `RowError`
("第 2 行：…") carries the row number and the lead services' refusal (a
`DuplicateWarning` with the companies to choose from)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from app import clock
from app.activity_links import ActivityError, linkable_activity
from app.companies.names import normalize_company_name
from app.companies.queries import suggestions
from app.db import db
from app.leads.queries import keyword_filter as lead_keyword
from app.leads.refusals import DuplicateWarning, LeadError
from app.leads.services import OPEN_STATUSES, create_lead
from app.leads.visits import log_visit
from app.lookups import ref_id
from app.models import Activity, Company, Lead, Project, RefItem, RefKind, Role, User, Visit
from app.params import clean_text, parse_id
from app.permissions import (
    can_log_on_activity,
    can_log_on_lead,
    can_log_on_project,
    lead_filter,
    project_edit_filter,
)
from app.refusals import Refusal
from app.search import keyword_condition

MAX_ROWS = 10
# Where a refusal of the lead services belongs on a row.
ROW_FIELDS = {
    "visited_on": "visited_on",
    "activity_id": "visited_on",
    "received_on": "visited_on",
    "summary": "summary",
    "title": "title",
    "company_name": "company_name",
    "credit_code": "company_name",
    "participant_ids": "participant_ids",
}


@dataclass
class VisitRow:
    """One row of the form, as typed (`number` as shown: 1, 2, 3 …)."""

    number: int
    pick: str = ""
    company_name: str = ""
    title: str = ""
    visited_on: dt.date | None = None
    summary: str = ""
    participant_ids: list[int] = field(default_factory=list)
    confirm_new_company: bool = False
    confirm_duplicate: bool = False

    @property
    def blank(self) -> bool:
        """Nothing typed (the date and participants come pre-filled)."""
        return not any(text.strip() for text in (self.pick, self.company_name, self.title, self.summary))


class RowError(ActivityError):
    """A refused row: the message names the row; `inner` is the refusal of
    the lead services (its `field` is the row's field it concerns)."""

    def __init__(self, number: int, inner: Refusal) -> None:
        super().__init__(_("第 %(n)d 行：%(message)s", n=number, message=inner.message))
        self.number = number
        self.inner = inner

    @property
    def row_field(self) -> str | None:
        return ROW_FIELDS.get(self.inner.field or "")

    @property
    def warning(self) -> DuplicateWarning | None:
        return self.inner if isinstance(self.inner, DuplicateWarning) else None


def default_visit_date(activity: Activity) -> dt.date:
    """Today while the activity runs, else its first day."""
    today = clock.today()
    return today if activity.start_on <= today <= activity.end_on else activity.start_on


def people(activity: Activity, actor: User) -> list[User]:
    """Who may be ticked as a row's participants: the activity's active
    leaders and participants, and the actor."""
    found: dict[int, User] = {}
    for user in (*activity.leaders, *activity.participants, actor):
        if user.active and user.id not in found:
            found[user.id] = user
    return list(found.values())


def default_visit_kind(activity: Activity) -> int | None:
    """The 对接方式 of the activity's visits: named like its kind (来访接待),
    else 外出拜访 for an activity away from the district."""
    kinds = dict(
        db.session.execute(
            sa.select(RefItem.name, RefItem.id).where(RefItem.kind == RefKind.VISIT_KIND, RefItem.active.is_(True))
        ).all()
    )
    return kinds.get(activity.kind.name) or (kinds.get("外出拜访") if activity.away else None)


def log_visits(activity: Activity, rows: list[VisitRow], actor: User, *, kind_id: int | None = None) -> list[Visit]:
    """Log every filled row's visit (blank rows are skipped); the first
    refused row stops everything (the caller rolls back)."""
    if not can_log_on_activity(actor, activity):
        raise ActivityError(_("您不能为该活动记录拜访。"))
    filled = [row for row in rows if not row.blank]
    if not filled:
        raise ActivityError(_("请至少填写一行拜访记录。"))
    if len(filled) > MAX_ROWS:
        raise ActivityError(_("一次最多记录 %(n)d 条拜访。", n=MAX_ROWS))
    batch = _Batch(activity, actor, kind_id)
    visits = []
    for row in filled:
        try:
            visits.append(batch.log(row))
        except Refusal as exc:
            raise RowError(row.number, exc) from None
    return visits


def choices_after_rollback(warning: DuplicateWarning) -> list:
    """The look-alikes a refused row may pick from, once the transaction is
    rolled back: a company an earlier row of the same submission created is
    gone with it (transient again), so it is no longer offered."""
    return [m for m in warning.matches if sa.inspect(m.company).persistent]


class _Batch:
    """One submission: the activity, the actor and the leads its rows have
    created so far (by company), so that a company typed twice is one lead."""

    def __init__(self, activity: Activity, actor: User, kind_id: int | None) -> None:
        self.activity = activity
        self.actor = actor
        self.kind_id = kind_id
        self.department_id = actor.department_id or activity.department_id
        self.created: dict[str, Lead] = {}
        self.leaders = {u.id: u for u in (*activity.leaders, *activity.participants) if u.role is Role.LEADER}
        self.source_id = ref_id(RefKind.SOURCE, activity.kind.name)  # 招商方式 named like the kind, if listed

    def log(self, row: VisitRow) -> Visit:
        visited_on = self._visit_date(row)
        if not row.summary.strip():
            raise LeadError(_("请填写拜访内容。"), "summary")
        lead, project = self._subject(row, visited_on)
        leader = next((i for i in row.participant_ids if i in self.leaders), None)
        data = {
            "visited_on": visited_on,
            "kind_id": self.kind_id,
            "summary": row.summary,
            "leader_present_id": leader,
            "participant_ids": row.participant_ids,
            "activity_id": self.activity.id,
        }
        return log_visit(data, self.actor, lead=lead, project=project)

    def _visit_date(self, row: VisitRow) -> dt.date:
        if row.visited_on is None:
            raise LeadError(_("请填写拜访日期。"), "visited_on")
        if row.visited_on > clock.today():
            raise LeadError(_("拜访日期不能晚于今天。"), "visited_on")
        linkable_activity(self.activity.id, self.actor, visited_on=row.visited_on, field="visited_on")
        return row.visited_on

    def _subject(self, row: VisitRow, visited_on: dt.date) -> tuple[Lead | None, Project | None]:
        kind, _sep, raw = row.pick.strip().partition(":")
        ident = parse_id(raw)
        if kind == "lead":
            lead = db.session.get(Lead, ident) if ident else None
            if lead is None or not can_log_on_lead(self.actor, lead):
                raise LeadError(_("所选线索不存在或您无权为其记录拜访，请重新选择。"), "company_name")
            return lead, None
        if kind == "project":
            project = db.session.get(Project, ident) if ident else None
            if project is None or not can_log_on_project(self.actor, project):
                raise LeadError(_("所选项目不存在或您无权为其记录拜访，请重新选择。"), "company_name")
            return None, project
        if kind == "company" and ident:
            return self._lead_on_company(row, ident, visited_on), None
        if kind in ("", "new"):
            return self._new_lead(row, visited_on, choice=kind), None
        raise LeadError(_("所选企业无效，请重新选择。"), "company_name")

    def _lead_on_company(self, row: VisitRow, company_id: int, visited_on: dt.date) -> Lead:
        key = f"company:{company_id}"
        if key in self.created:
            return self.created[key]
        existing = db.session.scalars(
            sa.select(Lead)
            .where(
                Lead.company_id == company_id,
                Lead.owner_department_id == self.department_id,
                Lead.archived_at.is_(None),
            )
            .order_by(Lead.status.in_(OPEN_STATUSES).desc(), Lead.received_on.desc(), Lead.id.desc())
        ).first()
        if existing is not None and can_log_on_lead(self.actor, existing):
            return existing
        return self._create(row, visited_on, choice=str(company_id))

    def _new_lead(self, row: VisitRow, visited_on: dt.date, *, choice: str) -> Lead:
        name = " ".join(row.company_name.split())
        if not name:
            raise LeadError(_("请填写企业名称，或从搜索结果中选择已有的线索或项目。"), "company_name")
        known = self.created.get(normalize_company_name(name))
        return known if known is not None else self._create(row, visited_on, choice=choice)

    def _create(self, row: VisitRow, visited_on: dt.date, *, choice: str) -> Lead:
        title = " ".join(row.title.split()) or _("%(title)s中对接", title=self.activity.title)[:200]
        data = {
            "company_name": row.company_name,
            "company_choice": choice,
            "confirm_new_company": row.confirm_new_company,
            "title": title,
            "source_id": self.source_id,
            "owner_department_id": self.department_id,
            "owner_user_id": self.actor.id if self.actor.department_id == self.department_id else None,
            "received_on": visited_on,
            "activity_id": self.activity.id,
        }
        lead = create_lead(data, self.actor, confirm_duplicate=row.confirm_duplicate)
        self.created[f"company:{lead.company_id}"] = lead
        self.created[lead.company.normalized_name] = lead
        return lead


# --- reading: what a row may pick ---------------------------------------------------------


@dataclass
class Found:
    """What a row's company search found: leads and projects the actor may
    log on, and companies on file the actor has no lead on (a new lead)."""

    leads: list[Lead]
    projects: list[Project]
    companies: list[Company]

    def __bool__(self) -> bool:
        return bool(self.leads or self.projects or self.companies)


SEARCH_LIMIT = 6


def search_subjects(actor: User, q: str) -> Found:
    """The row's search (name, pinyin or initials of the company, or the
    lead's title): four queries at most, whatever the data."""
    q = clean_text(q, 100)
    if len(q) < 2:
        return Found([], [], [])
    leads = db.session.scalars(
        sa.select(Lead)
        .where(Lead.archived_at.is_(None), lead_filter(actor), lead_keyword(q))
        .options(joinedload(Lead.company), joinedload(Lead.owner_department))
        .order_by(Lead.status.in_(OPEN_STATUSES).desc(), Lead.received_on.desc(), Lead.id.desc())
        .limit(SEARCH_LIMIT)
    ).all()
    matching_companies = sa.select(Company.id).where(keyword_condition(Company.search_text, q))
    projects = db.session.scalars(
        sa.select(Project)
        .where(
            Project.archived_at.is_(None),
            project_edit_filter(actor),
            sa.or_(keyword_condition(Project.search_text, q), Project.company_id.in_(matching_companies)),
        )
        .options(joinedload(Project.company))
        .order_by(Project.id.desc())
        .limit(SEARCH_LIMIT)
    ).all()
    leads = [lead for lead in leads if can_log_on_lead(actor, lead)]
    projects = [project for project in projects if can_log_on_project(actor, project)]
    covered = {lead.company_id for lead in leads} | {p.company_id for p in projects if p.company_id}
    return Found(leads, projects, suggestions(q, covered))


def picked_labels(picks: list[str]) -> dict[str, str]:
    """{pick: label} for the leads, projects and companies rows picked (a
    re-shown form), in three queries at most."""
    ids: dict[str, list[int]] = {"lead": [], "project": [], "company": []}
    for pick in picks:
        kind, _sep, raw = pick.partition(":")
        if kind in ids and (ident := parse_id(raw)):
            ids[kind].append(ident)
    labels: dict[str, str] = {}
    if ids["lead"]:
        for lead in db.session.scalars(
            sa.select(Lead).where(Lead.id.in_(ids["lead"])).options(joinedload(Lead.company))
        ):
            labels[f"lead:{lead.id}"] = lead_label(lead)
    if ids["project"]:
        for project in db.session.scalars(sa.select(Project).where(Project.id.in_(ids["project"]))):
            labels[f"project:{project.id}"] = project_label(project)
    if ids["company"]:
        for company in db.session.scalars(sa.select(Company).where(Company.id.in_(ids["company"]))):
            labels[f"company:{company.id}"] = company_label(company)
    return labels


def lead_label(lead: Lead) -> str:
    return _("线索：%(company)s · %(title)s", company=lead.company.name, title=lead.title)


def project_label(project: Project) -> str:
    return _("项目：%(name)s", name=project.name)


def company_label(company: Company) -> str:
    return _("企业库：%(name)s（记入本部门的线索，没有则新登记）", name=company.name)
