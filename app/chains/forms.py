"""Forms of the chain pages: a chain, a segment, placing a local company or
a project on a segment, a target company, and target → lead. Shape only; the
services check the rules (`app/chains/services.py`)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from app.forms import BaseForm, IdSelectField
from app.models import SegmentStage, TargetPriority, TargetStatus


class ChainForm(BaseForm):
    name = StringField(_l("产业链名称"), validators=[Optional(), Length(max=100)])
    chain_leader_id = IdSelectField(_l("链长"))
    department_id = IdSelectField(_l("牵头部门"))
    description = TextAreaField(_l("说明"), validators=[Optional(), Length(max=5000)])
    sort_order = IntegerField(_l("排序"), validators=[Optional(), NumberRange(min=0, max=9999)], default=0)
    version = HiddenField()

    def chain_data(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "chain_leader_id": self.chain_leader_id.data,
            "department_id": self.department_id.data,
            "description": self.description.data,
            "sort_order": self.sort_order.data,
        }


class SegmentForm(BaseForm):
    name = StringField(_l("环节名称"), validators=[Optional(), Length(max=100)])
    stage = SelectField(_l("位置"), choices=SegmentStage.choices(), validate_choice=False)
    parent_id = IdSelectField(_l("上级环节"))
    sort_order = IntegerField(_l("排序"), validators=[Optional(), NumberRange(min=0, max=9999)], default=0)
    description = TextAreaField(_l("说明"), validators=[Optional(), Length(max=2000)])

    def segment_data(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "stage": self.stage.data,
            "parent_id": self.parent_id.data,
            "sort_order": self.sort_order.data,
            "description": self.description.data,
        }


class PlaceCompanyForm(BaseForm):
    company_name = StringField(_l("本地企业（企业库中的名称）"), validators=[Optional(), Length(max=200)])
    chain_master = BooleanField(_l("链主企业"))
    placed_on = DateField(_l("落户/入链日期"), validators=[Optional()])


class PlaceProjectForm(BaseForm):
    project = StringField(_l("项目（名称或编号）"), validators=[Optional(), Length(max=200)])


class TargetForm(BaseForm):
    name = StringField(_l("目标企业"), validators=[Optional(), Length(max=200)])
    chain_id = IdSelectField(_l("产业链"))
    segment_id = IdSelectField(_l("环节"))
    tier_id = IdSelectField(_l("企业类型"))
    region = StringField(_l("所在地"), validators=[Optional(), Length(max=100)])
    priority = SelectField(_l("优先级"), choices=TargetPriority.choices(), default=TargetPriority.MEDIUM.value)
    department_id = IdSelectField(_l("责任部门"))
    status = SelectField(_l("状态"), choices=TargetStatus.choices(), default=TargetStatus.PENDING.value)
    reason = TextAreaField(_l("引进理由"), validators=[Optional(), Length(max=2000)])
    version = HiddenField()

    def target_data(self) -> dict[str, Any]:
        return {
            name: getattr(self, name).data
            for name in (
                "name",
                "chain_id",
                "segment_id",
                "tier_id",
                "region",
                "priority",
                "department_id",
                "status",
                "reason",
            )
        }


class ToLeadForm(BaseForm):
    """Turn a target into a lead; after a 撞单 warning, the confirmation or
    the company chosen among look-alikes."""

    confirm_duplicate = HiddenField()
    company_choice = HiddenField()


class ImportForm(BaseForm):
    file = FileField(_l("招商图谱（.xlsx）"))
