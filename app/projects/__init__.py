"""项目库（projects）: the 四库, the five ones, status lights and the
leader's desk. Views in routes.py / follow_routes.py / desk_routes.py, rules
in services.py, assignment.py, follow_through.py, lights.py, five_ones.py."""

from flask import Blueprint

bp = Blueprint("projects", __name__, url_prefix="/projects")

from app.projects import desk_routes, follow_routes, panels, routes  # noqa: E402,F401
