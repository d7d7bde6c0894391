"""联审联批 (DESIGN.md, Projects after signing): the approval items of every
key project, each owned by an approving department, tracked to 100 %.

- `rules.py` — open / overdue / escalation of an item as SQL and Python (the
  light, the ledger, the report and the home page share them);
- `services.py` — adding and updating items, the status moves (申报, 办结,
  无需办理) and their refusals; meetings (联审联批会) and their decisions;
- `routes_meetings.py`, `queries_meetings.py`, `meeting_forms.py` — the
  meetings (联审联批会): list, record and edit (admin), page, A4 record;
- `routes*.py`, `queries.py`, `exports.py`, `project_panel.py`,
  `home_panels.py` — the pages.
"""

from flask import Blueprint

bp = Blueprint("approvals", __name__, url_prefix="/approvals")

from app.approvals import routes, routes_meetings  # noqa: E402, F401  (views)
