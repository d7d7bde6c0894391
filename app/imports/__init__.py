"""Excel 台账 import: read a ledger as districts keep it (title rows, merged
cells, a 合计 row, footnotes), validate every row with the same rules as the
forms, preview, then commit all-or-nothing."""

from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/imports")

from app.imports import routes  # noqa: E402,F401
