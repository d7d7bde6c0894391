"""Who may keep a project's delivery records: the annual key-project list
(年度计划), the monthly investment reports (投资月报) and their review, and
the 三个一批 campaigns. Seeing them follows the project: whoever may see a
project sees its plans and reports; lists filter with `project_filter`."""

from __future__ import annotations

from app.models import AnnualPlan, Campaign, InvestmentReport, Project, Role, User
from app.permissions.loading import register
from app.permissions.projects import can_view_project, is_lead_department_staff, is_on_team


def can_manage_plans(user: User) -> bool:
    """The year's key-project list and its planned amounts are the bureau's:
    admin only (a team does not set the target it is measured against)."""
    return user.role is Role.ADMIN


def can_report_investment(user: User, project: Project) -> bool:
    """File and correct a project's monthly report: admin; staff on the
    project's team or of its lead department (within their scope)."""
    if user.role is Role.ADMIN:
        return True
    return user.role is Role.STAFF and (is_on_team(user, project) or is_lead_department_staff(user, project))


def can_review_investment(user: User) -> bool:
    """Review (审核, which locks the month): admin and users given the right."""
    return user.role is Role.ADMIN or (user.active and user.reviews_investment)


def can_manage_campaigns(user: User) -> bool:
    """Create a 三个一批 campaign and name its projects: admin."""
    return user.role is Role.ADMIN


def can_view_campaign(user: User, campaign: Campaign) -> bool:
    """Every signed-in user sees a campaign; its rows are filtered by project."""
    return True


def can_view_plan(user: User, plan: AnnualPlan) -> bool:
    return can_view_project(user, plan.project)


def can_view_report(user: User, report: InvestmentReport) -> bool:
    return can_view_project(user, report.project)


def can_edit_report(user: User, report: InvestmentReport) -> bool:
    return can_report_investment(user, report.project)


register(AnnualPlan, view=can_view_plan, edit=lambda user, plan: can_manage_plans(user))
register(InvestmentReport, view=can_view_report, edit=can_edit_report)
register(Campaign, view=can_view_campaign, edit=lambda user, campaign: can_manage_campaigns(user))
