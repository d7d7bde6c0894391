"""企业库（companies）: blueprint; views in routes.py, rules in services.py."""

from flask import Blueprint

bp = Blueprint("companies", __name__, url_prefix="/companies")
