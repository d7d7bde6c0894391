"""JSON接口（api）: blueprint; views in routes.py, rules in services.py."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
