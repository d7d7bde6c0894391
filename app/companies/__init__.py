"""企业库（companies）: blueprint; views in routes.py; rules in services.py
(records, duplicate finder, followers), names.py (normalisation),
credit_code.py (GB 32100-2015), conflicts.py (首报/撞单) and merge.py."""

from flask import Blueprint

bp = Blueprint("companies", __name__, url_prefix="/companies")

from app.companies import routes  # noqa: E402,F401
