"""问题台账（problems）: blueprint; views in routes.py, rules in services.py."""

from flask import Blueprint

bp = Blueprint("problems", __name__, url_prefix="/problems")
