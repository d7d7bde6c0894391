"""The lead list's .xlsx export: the same query as the page (filters and
the viewer's scope), streamed 500 rows at a time into a printable 台账."""

from __future__ import annotations

import datetime as dt

from flask import Response
from flask_babel import gettext as _

from app.db import db
from app.leads import choices, clocks, queries
from app.leads.clocks import days_in_status
from app.models import LeadStatus, RefKind, User
from app.xlsx import export_caption, xlsx_response


def _filter_names(refs: dict[RefKind, list], departments: list, owners: list) -> dict[str, dict[int, str]]:
    return {
        "department_id": dict(departments),
        "owner_id": dict(owners),
        "industry_id": dict(refs[RefKind.INDUSTRY]),
        "source_id": dict(refs[RefKind.SOURCE]),
        "tier_id": dict(refs[RefKind.TIER]),
    }


def lead_export(user: User, filters: queries.LeadFilters, today: dt.date) -> Response:
    """招商线索-YYYYMMDD.xlsx for the leads `user` may see under `filters`."""
    stmt = queries.lead_query(user, filters, today).execution_options(yield_per=500)
    refs = choices.ref_lists(RefKind.SOURCE, RefKind.INDUSTRY, RefKind.TIER)
    names = _filter_names(
        refs,
        choices.filter_department_choices(user),
        choices.filter_owner_choices(user, filters.department_id, filters.owner_id)[0],
    )
    headers = [
        _("编号"), _("企业名称"), _("统一社会信用代码"), _("企业类型"), _("投资意向"), _("状态"), _("本状态天数"),
        _("逾期"), _("久未拜访"), _("撞单"), _("招商方式"), _("产业类别"), _("意向投资额（万元）"), _("联系人"),
        _("联系电话"), _("意向落地区域"), _("责任单位"), _("责任人"), _("收到日期"), _("最近拜访"),
    ]  # fmt: skip

    # Words translated once per export, not once per row.
    yes = _("是")
    status_labels = {status: str(status.label) for status in LeadStatus}
    clock_labels = {state: clocks.label(state) for state in clocks.LABELS}

    def rows():
        for lead, overdue, stale in db.session.execute(stmt):
            yield [
                lead.id,
                lead.company.name,
                lead.company.credit_code,
                "、".join(t.name for t in lead.company.tiers),
                lead.title,
                status_labels[lead.status],
                days_in_status(lead, today),
                clock_labels.get(overdue, ""),
                yes if stale else "",
                yes if lead.has_conflict else "",
                lead.source.name if lead.source else None,
                lead.industry.name if lead.industry else None,
                lead.intended_investment,
                lead.contact_name,
                lead.contact_phone,
                lead.intended_location,
                lead.owner_department.name,
                lead.owner_user.name if lead.owner_user else None,
                lead.received_on,
                lead.last_visit_on,
            ]

    caption = export_caption(_("招商线索"), queries.describe(filters, names))
    return xlsx_response(f"招商线索-{today:%Y%m%d}.xlsx", _("招商线索"), headers, rows(), caption=caption)
