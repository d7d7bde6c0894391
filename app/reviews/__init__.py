"""观摩评比 (on-site review and scoring, DESIGN.md second wave: Review).

- `scoring.py` — the arithmetic, pure: weighted criteria, the reviewers'
  average with the highest and lowest dropped, departments, ranks 1, 2, 2, 4;
- `services.py` — every change (event, sheet, projects, reviewers, scores,
  closing) with its refusals and audit rows; a closed event is locked;
- `results.py` — an event's results read once (rankings, progress, 通报
  lists) and each department's 观摩 score over a period (the composite
  ranking's part);
- `routes.py` — the list, creating and editing an event, its page where the
  admin keeps the sheet, projects and reviewers, closing it; `forms.py`;
  `queries.py` — the reads behind them;
- `routes_scoring.py` — the reviewer's phone page and the results, the
  printable 通报 and the .xlsx (`exports.py`).

Who may do what: `app/permissions/reviews.py`.
"""

from flask import Blueprint

bp = Blueprint("reviews", __name__, url_prefix="/reviews")

from app.reviews import routes, routes_scoring  # noqa: E402, F401  (views)
