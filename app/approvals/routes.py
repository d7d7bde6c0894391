"""(the approval ledger and the item pages: filled in by the feature's views)"""

from app.approvals import bp  # noqa: F401
