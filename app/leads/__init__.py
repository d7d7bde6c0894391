"""招商线索（leads）: blueprint; views in routes.py, rules in services.py."""

from flask import Blueprint

bp = Blueprint("leads", __name__, url_prefix="/leads")
