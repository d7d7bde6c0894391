"""招商活动 (investment-promotion activities: trips, 推介会, fairs, 驻地招商,
小分队招商, 来访接待) and the 招商计划 they realise.

- `services.py` — creating, editing and archiving activities and plans
  (`app/activity_links.py`, a core module, checks the activity a visit,
  lead or project names, and holds `ActivityError`);
- `outcomes.py` — what an activity produced (companies, visits, leads,
  projects discussed, signed), the one definition pages, report and API share;
- `routes.py` — the pages: the list (`queries.py`: the query-string
  contract, within `activity_filter`), the month calendar (`month_grid.py`:
  the layout), the .xlsx 台账 (`exports.py`), recording and editing
  (`forms.py`, `choices.py`: the form's selects), archiving, the activity's
  page (`detail.py`: what it shows, gathered once) and its trip report
  (attachments, owner "activity"); `templates/activities/_log_actions.html`
  is where the page's logging actions go;
- `routes_visits.py` — 批量记录拜访: a participant logs visits to several
  companies in one go (`quick_visits.py`: the rows, saved all or nothing
  through the lead and visit services; `forms_visits.py`);
- `routes_plans.py` — the 招商计划 pages (`queries_plans.py`, `forms_plans.py`);
- `home_panels.py` — 我带队的招商活动 (a leader) and 我参加的招商活动 (staff).
"""

from flask import Blueprint

bp = Blueprint("activities", __name__, url_prefix="/activities")

import app.activities.home_panels  # noqa: E402  (我带队的/我参加的招商活动 on the home page)
import app.activities.routes_plans  # noqa: E402  (招商计划)
import app.activities.routes_visits  # noqa: E402, F401  (批量记录拜访)
from app.activities import routes  # noqa: E402, F401  (views)
