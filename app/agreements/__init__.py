"""签约履约（agreements）: blueprint; views in routes.py, rules in services.py."""

from flask import Blueprint

bp = Blueprint("agreements", __name__, url_prefix="/agreements")
