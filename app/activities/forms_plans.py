"""The 招商计划 form (a plan of a year, optionally of a quarter) and the
bare archive confirmation. Shape only: `services.create_plan` /
`update_plan` check the rules (department within scope, active choices)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.companies.fields import IdMultiField
from app.forms import BaseForm, IdSelectField

QUARTERS = [
    ("", _l("全年")),
    ("1", _l("第一季度")),
    ("2", _l("第二季度")),
    ("3", _l("第三季度")),
    ("4", _l("第四季度")),
]


class PlanForm(BaseForm):
    year = IntegerField(
        _l("年度"),
        validators=[
            DataRequired(message=_l("请填写年度。")),
            NumberRange(2000, 2100, message=_l("年度应为 2000–2100。")),
        ],
    )
    quarter = SelectField(_l("季度"), choices=QUARTERS, validators=[Optional()])
    title = StringField(_l("计划名称"), validators=[DataRequired(message=_l("请填写计划名称。")), Length(max=200)])
    kind_id = IdSelectField(_l("活动类型"))
    regions = StringField(_l("目标地区"), validators=[Optional(), Length(max=500)])
    industry_ids = IdMultiField(_l("目标产业"))
    department_id = IdSelectField(_l("组织部门"), validators=[DataRequired(message=_l("请选择组织部门。"))])
    leader_id = IdSelectField(_l("带队领导"))
    notes = TextAreaField(_l("说明"), validators=[Optional(), Length(max=5000)])
    version = HiddenField()

    def plan_data(self) -> dict[str, Any]:
        return {
            "year": self.year.data,
            "quarter": self.quarter.data or None,
            "title": self.title.data,
            "kind_id": self.kind_id.data,
            "regions": self.regions.data,
            "industry_ids": self.industry_ids.data or [],
            "department_id": self.department_id.data,
            "leader_id": self.leader_id.data,
            "notes": self.notes.data,
        }


class ArchivePlanForm(BaseForm):
    """Archive a plan entered by mistake, at the version the page showed."""

    version = HiddenField()
