"""项目库（projects）: the 四库, the five ones, status lights and the leader's desk.

- routes.py — the project library (tabs, list, export), kanban, the project
  page, create/edit, stage moves.
- routes_follow.py — the five ones, milestones, progress updates;
  routes_instructions.py — the leader's instructions (批示) and their life cycle
  (instructions.py the rules and writes, instruction_rules.py owed / overdue)
  (each posts from the project page).
- routes_desk.py — the leader's desk and the weekly 项目服务日 sheet (page, A4, .xlsx).
- queries.py — the library's list queries (filters → SQL, stage counts).
- detail.py — the project page: its facts, light, checklist and the panels the
  visits (app/leads/project_panel.py) and agreements areas contribute.
- services.py — creating, editing and moving projects; assignment.py — the five
  ones; follow_through.py — milestones, progress, instructions; five_ones.py —
  the checklist and 落实率 in SQL; lights.py — status lights in SQL; desk.py —
  the desk and the service-day sheet.
- forms.py — WTForms; home_panels.py — the desk and instructions on the home page.
Permissions: app/permissions/projects.py."""

from flask import Blueprint

bp = Blueprint("projects", __name__, url_prefix="/projects")

from app.projects import home_panels, routes, routes_desk, routes_follow, routes_instructions  # noqa: E402,F401
