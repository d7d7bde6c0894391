"""The 拜访/对接记录 panel of a project page: the visits of the project and of
the lead it came from, and what the viewer may do with them. The project
page's view calls `project_panel` and renders `leads/_project_panel.html`."""

from __future__ import annotations

from dataclasses import dataclass

from app.leads.visits import project_visits
from app.models import Project, User, Visit
from app.permissions import can_edit_visit, can_log_on_project


@dataclass(frozen=True)
class VisitsPanel:
    visits: list[Visit]
    can_log: bool
    editable: frozenset[int]  # ids of the visits the viewer may change


def editable_visits(user: User, visits: list[Visit]) -> frozenset[int]:
    """Ids of `visits` that `user` may edit or withdraw (the timeline's buttons)."""
    return frozenset(v.id for v in visits if can_edit_visit(user, v))


def project_panel(project: Project, user: User) -> VisitsPanel:
    visits = project_visits(project)
    return VisitsPanel(visits, can_log_on_project(user, project), editable_visits(user, visits))
