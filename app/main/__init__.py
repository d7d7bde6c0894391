"""The home page (工作台) and small site-wide pages (health, archive/delete)."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from app.main import records, routes  # noqa: E402,F401
