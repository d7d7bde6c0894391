"""问题台账（problems）: problems raised on projects and their life cycle up
to 销号. Views in routes.py, rules in services.py and rules.py, the ledger
query in ledger.py, home panels in panels.py."""

from flask import Blueprint

bp = Blueprint("problems", __name__, url_prefix="/problems")

from app.problems import panels, routes  # noqa: E402,F401
