"""签约履约 (agreements): signed agreements on projects, signing events, funds
received and the fulfilment list.

- routes_agreements.py — an agreement: record (with a new signing event and
  the scan), view, edit, archive/restore, attachments.
- routes_events.py — signing events (签约活动); routes_funding.py — funds
  received per month; routes_fulfilment.py — the fulfilment list and export.
- view_helpers.py — what those views share: Jinja filters, the 413 page, the
  attachment loader, the agreement form's event list.
- services.py — agreement and event rules; funding.py — 资金到位 and 到位率;
  fulfilment.py — the 履约跟踪 query. The 统计口径 for signed projects, which the
  status lights and reports share, is the core module app/counting.py.
- forms.py — WTForms; home_panels.py — 履约预警 on the home page;
  project_panel.py — the 签约与资金到位 panel of a project page.
Permissions: app/permissions/agreements.py."""

from flask import Blueprint

bp = Blueprint("agreements", __name__, url_prefix="/agreements")

from app.agreements import (  # noqa: E402, F401  (views, panel)
    home_panels,
    routes_agreements,
    routes_events,
    routes_fulfilment,
    routes_funding,
    view_helpers,
)
