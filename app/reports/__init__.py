"""统计报表（reports）: blueprint; views in routes.py, rules in services.py."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
