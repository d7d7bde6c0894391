"""联审联批 (DESIGN.md, Projects after signing): the approval items of every
key project, each owned by an approving department, tracked to 100 %.

- `rules.py` — open / overdue / escalation of an item as SQL and Python (the
  light, the ledger, the report and the home page share them);
- `services.py` — adding and updating items, the status moves (申报, 办结,
  无需办理) and their refusals; meetings (联审联批会) and their decisions;
- `routes.py` — adding and editing an item, its page, its status moves and
  the approval document (批复文件); `forms.py` their forms;
- `routes_ledger.py`, `queries.py`, `exports.py` — the ledger (联审联批台账)
  with its filters and counts, and its .xlsx export;
- `project_panel.py` — the 联审联批 panel of the project page;
  `home_panels.py` — 审批事项待办 on the home page of an approving department.
- `routes_meetings.py`, `queries_meetings.py`, `meeting_forms.py` — the
  meetings (联审联批会): list, record and edit (admin), page, A4 record.
"""

from flask import Blueprint

bp = Blueprint("approvals", __name__, url_prefix="/approvals")

from app.approvals import (  # noqa: E402, F401  (views, home panels)
    home_panels,
    routes,
    routes_ledger,
    routes_meetings,
)
