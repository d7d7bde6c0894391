"""A campaign's 台账 (三个一批台账-<name>.xlsx): one sheet of its items with
a batch column, built from the same rows as the campaign page (the viewer's
scope), and a 汇总 sheet of the batches, departments and leaders."""

from __future__ import annotations

import re

from flask import Response
from flask_babel import gettext as _

from app import xlsx
from app.delivery.queries_campaigns import CampaignPage, Group, Tally


def filename_of(name: str) -> str:
    """三个一批台账-<name>.xlsx, without the characters a file name cannot hold."""
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name).strip(" ._") or _("活动")
    return f"三个一批台账-{safe[:80]}.xlsx"


def campaign_export(page: CampaignPage) -> Response:
    campaign = page.campaign
    workbook = xlsx.new_workbook()
    headers = [
        _("序号"),
        _("批次"),
        _("项目名称"),
        _("牵头部门"),
        _("责任领导"),
        _("计划日期"),
        _("完成日期"),
        _("销号状态"),
        _("计划总投资（万元）"),
        _("说明"),
        _("备注"),
    ]

    def rows():
        number = 0
        for section in page.sections:
            for row in section.rows:
                number += 1
                p = row.project
                yield [
                    number,
                    section.batch.label,
                    p.name,
                    p.lead_department.name if p.lead_department else "",
                    p.responsible_leader.display if p.responsible_leader else "",
                    row.item.planned_on,
                    row.state.achieved_on,
                    row.state.label,
                    p.planned_investment,
                    row.state.remark,
                    row.item.note or "",
                ]

    period = _("%(start)s 至 %(end)s", start=campaign.starts_on.isoformat(), end=campaign.ends_on.isoformat())
    scope = {_("范围"): _("本人数据范围内的项目")} if page.scoped else {}
    title = _("三个一批台账：%(name)s（%(period)s）", name=campaign.name, period=period)
    xlsx.add_sheet(workbook, _("台账"), headers, rows(), caption=xlsx.export_caption(title, scope), totals=True)
    summary = _("三个一批汇总：%(name)s（%(period)s）", name=campaign.name, period=period)
    xlsx.add_sheet(
        workbook,
        _("汇总"),
        [
            _("类别"),
            _("名称"),
            _("计划数"),
            _("已销号"),
            _("逾期未销号"),
            _("销号率（%）"),
            _("计划投资（万元）"),
            _("已销号投资（万元）"),
        ],
        _summary_rows(page),
        caption=xlsx.export_caption(summary, scope),
    )
    return xlsx.workbook_response(workbook, filename_of(campaign.name))


def _summary_rows(page: CampaignPage):
    def line(kind: str, name: str, tally: Tally) -> list:
        share = tally.rate
        return [
            kind,
            name,
            tally.planned,
            tally.achieved,
            tally.overdue,
            float(share) if share is not None else "",
            tally.planned_amount,
            tally.achieved_amount,
        ]

    for section in page.sections:
        yield line(_("批次"), section.batch.label, section.tally)
    yield line(_("合计"), _("三个一批"), page.total)
    groups: list[tuple[str, list[Group]]] = [(_("牵头部门"), page.departments), (_("责任领导"), page.leaders)]
    for kind, members in groups:
        for group in members:
            yield line(kind, group.name, group.total)
