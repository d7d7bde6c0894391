"""问题台账（problems）: problems raised on projects and their life cycle up to 销号.

- routes.py — the ledger and its export, raising a problem, the problem page and
  one action per life-cycle step.
- ledger.py — the ledger's query (filters → SQL, counts by status and level).
- services.py — the life cycle; rules.py — open/overdue/escalation in SQL and Python.
- forms.py — WTForms; home_panels.py — problems awaiting the viewer on the home page.
Permissions: app/permissions/problems.py."""

from flask import Blueprint

bp = Blueprint("problems", __name__, url_prefix="/problems")

from app.problems import home_panels, routes  # noqa: E402,F401
