"""统计报表（reports）: funnel, 四库, 对接走访, targets and ranking, key
projects, 投资完成情况, 联审联批完成情况, 招商活动, speed and the meeting pack. Each
report is a module with a function returning plain data (the page, the .xlsx and the API use it) and
the measures behind its numbers, which the drill-down pages rebuild to list
the records behind any number.

- `routes.py` — the report pages and the drill-down (`run_report`: parse,
  build, render or export; bad input → the page with its message, 400);
  `routes_targets.py` — the targets report and the admin's entry grid;
  `routes_ranking.py` — 比学赶超综合排名 (`ranking.py`: targets, 观摩, problems and
  rectifications on time, admin-set weights) and its weights page;
- one module per report: `funnel.py`, `library.py`, `activity.py`
  (对接走访统计), `targets.py` (report and the stored targets),
  `keyprojects.py`, `investment.py`, `approvals.py`, `activities.py`
  (招商活动统计, from `app/activities/outcomes.py`), `speed.py`,
  `pack.py` (the meeting pack, built from the others);
- `measures.py` — the measures (what is counted and summed, by which
  dimension) and `by_many`, many measures in one GROUP BY; `sql.py` — SQL
  helpers they share; `drill.py` — the records behind one number;
- `filters.py` — the report query string (period, filters, options) checked
  once and turned into SQL conditions per kind of record; `periods.py` — the
  period presets and custom ranges;
- `render.py` — number formats, drill-down links and the .xlsx export;
  `common.py` — small shared pieces; `forms.py` — the targets entry grid.
"""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from app.reports import (  # noqa: E402,F401  (registers the views and the panel)
    home_panels,
    problems_routes,
    routes,
    routes_ranking,
    routes_targets,
)
