"""系统管理: users, departments, reference lists and the working-day calendar
(admin only).

- `routes.py` — the overview and user accounts (list, new, edit, activate,
  reset password);
- `routes_org.py` — departments and reference lists;
- `routes_records.py` — the audit log (read only) and restoring archived records;
- `routes_calendar.py` — the working-day calendar (State Council holidays and
  调休, the district's overrides);
- `queries.py` — the reads behind those pages (user list filters, department
  tree with member counts, audit log filters, a year's calendar);
- `services.py` — the rules and writes (flush, never commit; `AdminError` is a
  `Refusal`), shared with the API (`app/api/org.py`) and the CLI;
- `forms.py` — WTForms.
"""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.admin import routes, routes_calendar, routes_org, routes_records  # noqa: E402,F401
