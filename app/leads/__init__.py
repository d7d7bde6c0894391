"""招商线索（leads）: leads, their status pipeline and clocks, and visits.

- routes.py — the lead list and export, the lead's page, create/edit (with the
  撞单 question), status moves, shelving, archiving and conversion to a project.
- routes_visits.py — visits: quick entry on the lead's page, the full form on a
  lead or project, edit/withdraw, follow-up done, the visit list.
- queries.py — the lead list's query-string contract → SQL within the viewer's scope.
- detail.py — everything the lead's page shows (one builder for the page and
  for a refused quick visit).
- services.py — creating and editing a lead, recording a status change;
  pipeline.py — the status moves, shelving, conversion to a project, archiving;
  company_choice.py — which company a lead is about (the 撞单 question);
  refusals.py — LeadError and DuplicateWarning; visits.py — visit rules;
  clocks.py — the clocks in SQL.
- exports.py — the lead list's .xlsx 台账.
- forms.py — WTForms; choices.py — select lists shaped by the viewer's scope.
- home_panels.py — 我的待跟进 and 逾期线索 on the home page.
- project_panel.py — the 拜访/对接记录 panel of a project page.
Permissions: app/permissions/leads.py."""

from flask import Blueprint

bp = Blueprint("leads", __name__, url_prefix="/leads")

from app.leads import home_panels, routes, routes_visits  # noqa: E402,F401
