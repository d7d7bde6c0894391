"""招商线索（leads）: blueprint; views in routes.py and visit_routes.py,
rules in services.py, visits.py and clocks.py, home panels in panels.py."""

from flask import Blueprint

bp = Blueprint("leads", __name__, url_prefix="/leads")

from app.leads import panels, routes, visit_routes  # noqa: E402,F401
