"""招商活动 (investment-promotion activities: trips, 推介会, fairs, 驻地招商,
小分队招商, 来访接待) and the 招商计划 they realise.

- `services.py` — creating, editing and archiving activities and plans
  (`app/activity_links.py`, a core module, checks the activity a visit,
  lead or project names, and holds `ActivityError`);
- `outcomes.py` — what an activity produced (companies, visits, leads,
  projects discussed, signed), the one definition pages, report and API share;
- `routes.py` — the pages.
"""

from flask import Blueprint

bp = Blueprint("activities", __name__, url_prefix="/activities")

import app.activities.home_panels  # noqa: E402  (我带队的/我参加的招商活动 on the home page)
import app.activities.routes_plans  # noqa: E402  (招商计划)
import app.activities.routes_visits  # noqa: E402, F401  (批量记录拜访)
from app.activities import routes  # noqa: E402, F401  (views)
