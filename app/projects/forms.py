"""Project forms: facts, stage moves, the five ones, milestones, progress
updates and instructions. Forms check shape and format; the rules (who,
which stage, which leader) are the services' and return errors by field."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.forms import AreaField, BaseForm, IdSelectField, MoneyField
from app.models import STAGE_ORDER, ProjectLevel, Stage


def stage_choices(include_exited: bool = False) -> list[tuple[str, str]]:
    stages = [*STAGE_ORDER, Stage.EXITED] if include_exited else STAGE_ORDER
    return [(s.value, s.label) for s in stages]


class ProjectForm(BaseForm):
    name = StringField(_l("项目名称"), validators=[DataRequired(message=_l("请填写项目名称。")), Length(max=200)])
    company_name = StringField(_l("投资方（企业名称）"), validators=[Optional(), Length(max=200)])
    industry_id = IdSelectField(_l("产业类别"))
    is_key = BooleanField(_l("重点项目"))
    # Optional() clears the choice check for blanks (whitespace too): the view
    # reads a blank as "no level"; a value off the list is still refused.
    level = SelectField(_l("项目级别"), choices=[("", _l("— 无 —")), *ProjectLevel.choices()], validators=[Optional()])
    kind_id = IdSelectField(_l("项目类型"))
    planned_investment = MoneyField(_l("计划总投资（万元）"), guard=True)
    confirm_amount = BooleanField(_l("金额核对无误"))
    land_area = AreaField(_l("用地面积（亩）"))
    expected_output = MoneyField(_l("预计年产值（万元）"))
    expected_tax = MoneyField(_l("预计年税收（万元）"))
    location = StringField(_l("项目地点"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("项目简介"), validators=[Optional(), Length(max=5000)])
    notes = TextAreaField(_l("备注"), validators=[Optional(), Length(max=5000)])
    # Not for a project converted from a lead (it follows its lead's).
    activity_id = IdSelectField(_l("招商活动"))
    # Only when creating:
    stage = SelectField(_l("所处阶段"), choices=stage_choices(), default=Stage.PLANNING.value)
    stage_note = StringField(_l("阶段说明"), validators=[Optional(), Length(max=1000)])
    lead_department_id = IdSelectField(_l("牵头部门"))
    # Only when editing:
    version = HiddenField()


class StageMoveForm(BaseForm):
    to = SelectField(_l("变更为"), choices=stage_choices(include_exited=True), validators=[DataRequired()])
    on = DateField(_l("变更日期"), validators=[Optional()])
    reason_id = IdSelectField(_l("退出原因"))
    note = TextAreaField(_l("说明"), validators=[Optional(), Length(max=2000)])
    next = HiddenField()


class FiveOnesForm(BaseForm):
    responsible_leader_id = IdSelectField(_l("责任领导（一名领导）"))
    handover_reason = StringField(_l("交接原因（更换领导时必填）"), validators=[Optional(), Length(max=500)])
    lead_department_id = IdSelectField(_l("牵头部门"))
    team_ids = SelectMultipleField(_l("工作专班成员"), coerce=int, validate_choice=True)
    plan_text = TextAreaField(_l("推进方案（一套方案）"), validators=[Optional(), Length(max=10000)])
    version = HiddenField()


class MilestoneForm(BaseForm):
    name = StringField(_l("节点名称"), validators=[DataRequired(message=_l("请填写节点名称。")), Length(max=200)])
    due_on = DateField(_l("计划完成日期"), validators=[DataRequired(message=_l("时间节点须填写计划完成日期。"))])
    done_on = DateField(_l("实际完成日期"), validators=[Optional()])


class ProgressForm(BaseForm):
    happened_on = DateField(_l("推进日期"), validators=[Optional()])
    text = TextAreaField(_l("推进情况"), validators=[DataRequired(message=_l("请填写推进情况。")), Length(max=5000)])


class InstructionForm(BaseForm):
    # Its own id: the progress form on the same page also has a field `text`,
    # and two id="text" sent the label 批示内容 to the progress box.
    text = TextAreaField(
        _l("批示内容"),
        id="instruction-text",
        validators=[DataRequired(message=_l("请填写批示内容。")), Length(max=5000)],
    )
    due_on = DateField(_l("办理时限"), id="instruction-due", validators=[Optional()])


class AcknowledgeForm(BaseForm):
    version = HiddenField()
    note = StringField(_l("落实情况（可选）"), validators=[Optional(), Length(max=2000)])


class InstructionAnswerForm(BaseForm):
    version = HiddenField()
    answer = TextAreaField(
        _l("办理情况反馈"), validators=[DataRequired(message=_l("请填写办理情况反馈。")), Length(max=5000)]
    )


class InstructionCloseForm(BaseForm):
    version = HiddenField()
    note = StringField(_l("办结意见（可选）"), validators=[Optional(), Length(max=2000)])


class InstructionReturnForm(BaseForm):
    version = HiddenField()
    reason = TextAreaField(_l("退回原因"), validators=[DataRequired(message=_l("退回须填写原因。")), Length(max=2000)])
    due_on = DateField(_l("新的办理时限（可选）"), validators=[Optional()])
