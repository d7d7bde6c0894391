"""统计报表（reports）: funnel, 四库, activity, targets and ranking, key
projects, speed and the meeting pack. Each report is a module with a
function returning plain data (the page, the .xlsx and the API use it) and
the measures behind its numbers (`measures.py`), which the drill-down pages
rebuild to list the records behind any number. Views are in routes.py."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from app.reports import routes  # noqa: E402,F401  (registers the views)
