"""Department names as ledgers write them: 区发改委 for 区发展和改革委员会,
二七经开区管委会 for 二七经济技术开发区管理委员会, a unit's old name.

A name is found, in order, as a department's name or short name, as an alias
the admin recorded (`DepartmentAlias`, also from the import preview's mapping
step), or by its *key*: full-width forms, spaces and punctuation aside, a
leading 区 dropped and the common abbreviations below written out — the
abbreviations every district office uses, built in so that a new
installation reads them from the first day. A name found no way gets the
closest departments as suggestions; nothing is ever guessed. The import
preview's mapping step records an alias (`save_department_alias`, audited on
the department).
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from flask_babel import gettext as _
from rapidfuzz import fuzz, process

from app import audit
from app.db import db
from app.models import Department, DepartmentAlias
from app.refusals import Refusal

# Abbreviation → written out, longest first when applied.
ABBREVIATIONS = {
    "发改委": "发展和改革委员会",
    "发改局": "发展和改革局",
    "投促局": "投资促进局",
    "投促中心": "投资促进中心",
    "科工信局": "科技和工业信息化局",
    "工信局": "工业和信息化局",
    "科技局": "科学技术局",
    "卫健委": "卫生健康委员会",
    "卫健局": "卫生健康局",
    "住建局": "住房和城乡建设局",
    "资规局": "自然资源和规划局",
    "自规局": "自然资源和规划局",
    "文旅局": "文化和旅游局",
    "文广旅局": "文化广电和旅游局",
    "市监局": "市场监督管理局",
    "人社局": "人力资源和社会保障局",
    "应急局": "应急管理局",
    "城管局": "城市管理局",
    "交通局": "交通运输局",
    "教体局": "教育体育局",
    "农委": "农业农村工作委员会",
    "统计局": "统计局",
    "管委会": "管理委员会",
    "经开区": "经济技术开发区",
    "高新区": "高新技术产业开发区",
}
_ABBREVIATIONS = sorted(ABBREVIATIONS.items(), key=lambda item: len(item[0]), reverse=True)
_DROP = re.compile(r"[\s·・•.,，、。;；:：'\"‘’“”\-—_/()（）]")
SUGGEST_SCORE = 60


class DepartmentNameError(Refusal):
    """A ledger name that cannot be recorded as a department's alias."""


def name_key(name: str) -> str:
    """What two spellings of one department share."""
    text = _DROP.sub("", unicodedata.normalize("NFKC", name or ""))
    for short, full in _ABBREVIATIONS:
        if short != full and short in text and full not in text:
            text = text.replace(short, full)
    if text.startswith("区") and len(text) > 2:
        text = text[1:]
    return text


class DepartmentNames:
    """The active departments by every name a ledger may use (two queries)."""

    def __init__(self) -> None:
        self.exact: dict[str, int] = {}
        self.by_key: dict[str, int] = {}
        self.names: dict[int, str] = {}
        for dept_id, name, short in db.session.execute(
            sa.select(Department.id, Department.name, Department.short_name)
            .where(Department.active.is_(True))
            .order_by(Department.sort_order, Department.id)
        ):
            self.names[dept_id] = name
            self.exact.setdefault(name, dept_id)
            self.by_key.setdefault(name_key(name), dept_id)
            if short:
                self.exact.setdefault(short, dept_id)
                self.by_key.setdefault(name_key(short), dept_id)
        for alias, dept_id in db.session.execute(sa.select(DepartmentAlias.alias, DepartmentAlias.department_id)):
            if dept_id in self.names:
                self.by_key[alias] = dept_id  # the admin's word wins over the rules

    def get(self, name: str) -> int | None:
        """The department a ledger's name means, or None."""
        found = self.exact.get(name)
        return found if found is not None else self.by_key.get(name_key(name))

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """The closest department names, best first (for a name not found)."""
        keys = {name_key(full): full for full in self.names.values()}
        found = process.extract(name_key(name), list(keys), scorer=fuzz.WRatio, limit=limit, score_cutoff=SUGGEST_SCORE)
        return [keys[key] for key, _score, _index in found]


def save_department_alias(name: str, department_id: int | None) -> DepartmentAlias:
    """Remember that a ledger's `name` means the department (the import
    preview's mapping step); replaces what the name meant before."""
    department = db.session.get(Department, department_id) if department_id else None
    if department is None or not department.active:
        raise DepartmentNameError(_("请为「%(name)s」选择一个系统中的部门。", name=name))
    alias = name_key(name)
    if not alias or len(alias) > 100:
        raise DepartmentNameError(_("「%(name)s」不能作为部门别名。", name=name[:50]))
    row = db.session.scalar(sa.select(DepartmentAlias).where(DepartmentAlias.alias == alias))
    before = row.department_id if row else None
    row = row or DepartmentAlias(alias=alias)
    row.department_id = department.id
    if row.id is None:
        db.session.add(row)
    db.session.flush()
    if before != department.id:
        audit.record(
            "update",
            "department",
            department.id,
            changes={"alias": [None, name]},
            summary=f"{department.name}：别名「{name}」",
        )
    return row
