"""Project delivery after signing (DESIGN.md, Project library): the annual
key-project list (年度计划), monthly investment reports (投资月报) and their
review, the schedule (序时进度) the status light reads, and the 三个一批
campaigns.

- `schedule.py` — the due month, the schedule line and the light's rules;
- `plans.py` — annual plans, their phasing, copy-forward to a new year;
- `investments.py` — filing, correcting and reviewing monthly reports; the
  maintained year-to-date and cumulative totals;
- `campaigns.py` — 三个一批 campaigns and their automatic 销号;
  `queries_campaigns.py` their list and page, `exports_campaigns.py` their
  台账, `campaign_forms.py` their forms, `routes_campaigns.py` their pages;
- `queries.py` — the monthly-report and plan lists; `exports.py` their 台账;
- `project_panel.py` — the 年度计划与投资月报 panel of a project page;
- `routes_*.py` — the pages; `forms.py` — their forms.
"""

from flask import Blueprint

bp = Blueprint("delivery", __name__, url_prefix="/delivery")

from app.delivery import routes_campaigns, routes_investments, routes_ledger, routes_plans  # noqa: E402, F401  (views)
