"""Problem forms: raising a problem, and one small form per life-cycle step
(each carries the version it was read at)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import BaseForm, IdSelectField


class ProblemForm(BaseForm):
    # Required by the service (a blank choice there gets a clear message).
    category_id = IdSelectField(_l("问题类别"))
    description = TextAreaField(
        _l("问题描述"),
        validators=[DataRequired(message=_l("请描述需要协调解决的问题。")), Length(max=5000)],
    )


class CompanyProblemForm(BaseForm):
    """企业诉求: the company by name (or credit code) unless it came with the link."""

    company_name = StringField(_l("企业名称"), validators=[Optional(), Length(max=200)])
    category_id = IdSelectField(_l("诉求类别"))
    description = TextAreaField(
        _l("诉求内容"),
        validators=[DataRequired(message=_l("请描述企业需要协调解决的问题。")), Length(max=5000)],
    )


class StepForm(BaseForm):
    version = HiddenField()
    note = StringField(_l("说明"), validators=[Optional(), Length(max=2000)])


class AssignForm(StepForm):
    department_id = IdSelectField(_l("责任部门"))
    deadline = DateField(_l("办理时限"), validators=[DataRequired(message=_l("请填写办理时限。"))])


class AnswerForm(StepForm):
    resolution = TextAreaField(
        _l("办理结果"), validators=[DataRequired(message=_l("请填写办理结果。")), Length(max=5000)]
    )


class ReturnForm(StepForm):
    reason = TextAreaField(_l("退回原因"), validators=[DataRequired(message=_l("退回须填写原因。")), Length(max=2000)])


class SuperviseForm(StepForm):
    note = TextAreaField(_l("督办意见"), validators=[DataRequired(message=_l("请填写督办意见。")), Length(max=2000)])
