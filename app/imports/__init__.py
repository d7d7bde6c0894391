"""Excel 台账 import: read a ledger as districts keep it (title rows, merged
cells, a 合计 row, footnotes), validate every row with the same rules as the
forms, preview, then commit all-or-nothing.

- `routes.py` — the pages: template download, upload → preview, the commit
  page that streams progress;
- `service.py` — the workflow shared by pages, API and CLI: read and store an
  upload, preview it (with the data-scope check), write a stored batch;
- `streaming.py` — the commit page's unit of work (`commit_streaming`): one
  transaction committed after the last row, progress yielded meanwhile (the
  one commit that cannot go through `app.views.attempt`; it says why);
- `sheets.py` — finding the header and data rows of a ledger; `cells.py` —
  reading one cell (money, dates, yes/no …); `rows.py` — row results and the
  preview;
- `projects.py` / `leads.py` — the project and lead kinds: columns, row validation and, for
  leads, the commit; `commit.py` — the project import's commit;
- `investments.py` (+ `_changes`, `_commit`) — the monthly investment
  ledger (投资月报): its month, matching existing projects, the reports,
  plans and levels a row changes, written through the delivery services;
- `approvals.py` (+ `_changes`, `_commit`) — the approval-items ledger
  (联审联批事项台账): matching existing projects and their items by type,
  the fields and status moves a row makes, written through the approval
  services;
- `workbook_templates.py` — the blank .xlsx templates offered for download
  (Excel workbooks, not Jinja templates).
"""

from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/imports")

from app.imports import routes  # noqa: E402,F401
