"""产业链招商 (issue 21): industry chains under a 链长, their segments as a
tree, the local companies and projects placed on segments, the target-company
list (招商目标企业库) and turning a target into a lead.

- `strength.py` — 缺链 / 弱链 / 强链 counted per segment (the thresholds);
- `services.py` — chains, segments, placements, targets, target → lead;
- `map.py` — everything the chain map shows (the tree, each segment's
  companies, projects and targets, the chart's data);
- `queries.py` — the target list's filters and who has contacted each target;
- `exports.py` — the target list and a chain's segments as .xlsx;
- `imports.py`, `routes_import.py` — the 招商图谱 .xlsx import (all or nothing);
- `routes.py` (chains, map, segments, placements), `routes_targets.py`
  (the target list, a target, its forms, target → lead); `forms.py`.
"""

from flask import Blueprint

bp = Blueprint("chains", __name__, url_prefix="/chains")

from app.chains import routes, routes_import, routes_targets  # noqa: E402, F401
