"""Inspection forms: recording an inspection, and one small form per step
(each carries the version it was read at)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.companies.fields import IdMultiField
from app.forms import BaseForm, IdSelectField
from app.models import InspectionKind


class InspectionForm(BaseForm):
    inspected_on = DateField(_l("督查日期"), validators=[DataRequired(message=_l("请填写督查日期。"))])
    kind = SelectField(_l("督查方式"), choices=InspectionKind.choices)
    department_id = IdSelectField(_l("被督查单位"))
    company_name = StringField(
        _l("回访企业"), validators=[Optional(), Length(max=200)], description=_l("回访企业时必填：企业库中的企业全称")
    )
    finding_ids = IdMultiField(_l("发现的问题"))
    description = TextAreaField(
        _l("督查情况"), validators=[DataRequired(message=_l("请填写督查情况。")), Length(max=5000)]
    )
    requirement = TextAreaField(
        _l("整改要求"), validators=[DataRequired(message=_l("请填写整改要求。")), Length(max=5000)]
    )
    deadline = DateField(_l("整改时限"), validators=[DataRequired(message=_l("请填写整改时限。"))])
    responsible_department_id = IdSelectField(_l("整改责任部门"), description=_l("不选则为被督查单位"))


class StepForm(BaseForm):
    version = HiddenField()
    note = StringField(_l("说明"), validators=[Optional(), Length(max=2000)])


class AnswerForm(StepForm):
    answer = TextAreaField(_l("整改情况"), validators=[DataRequired(message=_l("请填写整改情况。")), Length(max=5000)])


class ReturnForm(StepForm):
    reason = TextAreaField(_l("退回原因"), validators=[DataRequired(message=_l("退回须填写原因。")), Length(max=2000)])
