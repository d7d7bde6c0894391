"""The fulfilment list's .xlsx export (履约跟踪): the list's filters, every
row, with the filters named in the title row."""

from __future__ import annotations

import datetime as dt

from flask import Response
from flask_babel import gettext as _

from app import xlsx
from app.agreements import fulfilment
from app.db import db
from app.lookups import department_choices
from app.models import SigningEvent, User


def fulfilment_export(user: User, filters: fulfilment.FulfilmentFilters, today: dt.date) -> Response:
    """履约跟踪-YYYY-MM-DD.xlsx: the signed projects `user` may see under `filters`."""
    result = db.session.execute(fulfilment.fulfilment_query(user, filters, today)).all()
    rows = fulfilment.to_rows(result, today)
    shown: dict[str, str] = {}
    if filters.department_id:
        shown[_("牵头部门")] = dict(department_choices(blank=None)).get(filters.department_id, "")
    if filters.event_id:
        event = db.session.get(SigningEvent, filters.event_id)
        shown[_("签约活动")] = event.name if event else ""
    if filters.overdue_only:
        shown[_("范围")] = _("仅逾期")
    if filters.q:
        shown[_("关键词")] = filters.q
    return xlsx.xlsx_response(
        f"履约跟踪-{today.isoformat()}.xlsx",
        _("履约跟踪"),
        [str(h) for h in fulfilment.EXPORT_HEADERS],
        fulfilment.export_rows(rows),
        caption=xlsx.export_caption(_("履约跟踪"), shown),
    )
