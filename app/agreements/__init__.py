"""签约履约 (agreements): signed agreements on projects, signing events,
funds received and the fulfilment list. Views in routes.py; rules in
services.py (agreements, events), counting.py (统计口径), funding.py
(资金到位, 到位率) and fulfilment.py (履约跟踪); project_panel.py feeds the
project page's panel, panels.py the home page."""

from flask import Blueprint

bp = Blueprint("agreements", __name__, url_prefix="/agreements")

from app.agreements import agreement_routes, funding_routes, panels, routes, web  # noqa: E402, F401  (views, panel)
