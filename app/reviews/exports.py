"""The results of a review event as a workbook (观摩评比结果): 项目排名,
部门排名 and 评分明细 (each reviewer's criterion scores and weighted score of
each project) — the same `event_results` as the page, scores at 2 decimals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Response

from app import clock, xlsx
from app.reviews.results import Results
from app.reviews.scoring import plain, rounded


def _score(value: Decimal | None) -> Any:
    return rounded(value) if value is not None else "—"


def results_export(results: Results) -> Response:
    event = results.event
    caption = xlsx.export_caption(f"{event.name}（{event.held_on.isoformat()}，{event.status.label}）")
    book = xlsx.new_workbook()
    dropped = event.drop_extremes
    xlsx.add_sheet(
        book,
        "项目排名",
        ["名次", "项目", "牵头部门", "得分", "有效评分人数", "去掉的最高分", "去掉的最低分"],
        [
            [
                p.rank or "—",
                p.item.project.name,
                p.department,
                _score(p.score.score),
                p.score.reviewers,
                _score(p.score.dropped[0]) if dropped and p.score.dropped else "",
                _score(p.score.dropped[1]) if dropped and p.score.dropped else "",
            ]
            for p in results.projects
        ],
        caption=caption,
    )
    xlsx.add_sheet(
        book,
        "部门排名",
        ["名次", "部门", "观摩项目数", "平均得分"],
        [[d.rank or "—", d.name, d.projects, _score(d.score)] for d in results.departments],
        caption=caption,
    )
    criteria = list(event.criteria)
    names = {r.id: r.name for r in results.reviewers}
    detail = []
    for p in results.projects:
        for reviewer in results.reviewers:
            sheet = results.sheets.get((reviewer.id, p.item.id), {})
            if not sheet:
                continue
            detail.append(
                [
                    p.item.project.name,
                    names[reviewer.id],
                    *[sheet.get(c.id, "") for c in criteria],
                    _score(p.by_reviewer.get(reviewer.id)),
                ]
            )
    xlsx.add_sheet(
        book,
        "评分明细",
        ["项目", "评委", *[f"{c.name}（权重{plain(c.weight)}）" for c in criteria], "加权得分"],
        detail,
        caption=caption,
    )
    return xlsx.workbook_response(book, f"观摩评比结果-{event.name}-{clock.today().isoformat()}.xlsx")
