"""The home page (工作台) and small site-wide pages.

- `routes.py` — the home page (the panels the features contribute), the
  health check and the favicon;
- `home.py` — the home-panel registry: `home_panel(order)` registers a
  feature's builder (each feature's `home_panels.py`), `panels_for(user)`
  builds them for the home page;
- `records.py` — archive and (early) delete of any business record: one
  pair of routes for every kind (`app.archive.KINDS`).
"""

from flask import Blueprint

bp = Blueprint("main", __name__)

from app.main import records, routes  # noqa: E402,F401
