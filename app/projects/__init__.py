"""项目库（projects）: blueprint; views in routes.py, rules in services.py."""

from flask import Blueprint

bp = Blueprint("projects", __name__, url_prefix="/projects")
