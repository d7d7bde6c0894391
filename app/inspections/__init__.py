"""营商环境督办 (inspections): the supervision office records a 督查, 暗访 or
回访企业, its findings and the rectification (整改) it requires of a
responsible department by a deadline; the department answers (整改情况); the
supervisor closes it (销号) or sends it back (退回).

- `rules.py` — pending / overdue / escalation / on time as SQL and Python
  (the ledger, the home panels, the report and the 比学赶超 ranking share them);
- `services.py` — recording and the life-cycle steps, with their refusals;
- `routes.py` — the ledger and its export, recording, the page and its steps;
  `forms.py` their forms; `queries.py` the ledger's query-string contract;
- `exports.py` — the .xlsx 督查台账; `home_panels.py` — overdue
  rectifications on the supervisor's and the department's home.
Permissions: `app/permissions/inspections.py`.
"""

from flask import Blueprint

bp = Blueprint("inspections", __name__, url_prefix="/inspections")

from app.inspections import home_panels, routes, routes_report  # noqa: E402,F401  (views, home panels)
