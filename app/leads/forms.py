"""Lead, visit and status forms. Choices are loaded by the views; the
services re-check everything (forms are for messages next to fields)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from app import clock
from app.companies.fields import IdMultiField, credit_code_check
from app.forms import BaseForm, IdSelectField, MoneyField
from app.params import parse_id

PHONE = Regexp(r"^[0-9０-９+\-－()（）\s转,，/]{3,30}$", message=_l("请填写有效的电话号码。"))


def not_future(form: Any, field: Any) -> None:
    if field.data and field.data > clock.today():
        raise ValidationError(_l("日期不能晚于今天。"))


class LeadForm(BaseForm):
    company_id = HiddenField()
    company_name = StringField(
        _l("企业名称"), validators=[DataRequired(message=_l("请填写企业名称。")), Length(max=200)]
    )
    credit_code = StringField(_l("统一社会信用代码"), validators=[Optional(), Length(max=30), credit_code_check])
    # 'new', or a company id picked from the look-alikes the warning listed.
    company_choice = HiddenField()
    confirm_new_company = BooleanField(_l("确认新建同名企业：我已核实这是另一家企业"))
    confirm_duplicate = BooleanField(_l("我已知悉其他部门正在跟进，仍然保存（将标记撞单，由管理员裁定）"))
    hq_region = StringField(_l("企业总部所在地"), validators=[Optional(), Length(max=100)])
    tier_ids = IdMultiField(_l("企业类型"))

    title = StringField(_l("投资意向"), validators=[DataRequired(message=_l("请填写投资意向。")), Length(max=200)])
    source_id = IdSelectField(_l("招商方式"))
    industry_id = IdSelectField(_l("产业类别"))
    intended_investment = MoneyField(_l("意向投资额（万元）"), validators=[Optional()], guard=True)
    confirm_amount = BooleanField(_l("金额核对无误"))
    contact_name = StringField(_l("联系人"), validators=[Optional(), Length(max=50)])
    contact_phone = StringField(_l("联系电话"), validators=[Optional(), Length(max=30), PHONE])
    intended_location = StringField(_l("意向落地区域"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("线索描述"), validators=[Optional(), Length(max=5000)])
    owner_department_id = IdSelectField(_l("责任单位"), validators=[DataRequired(message=_l("请选择责任单位。"))])
    owner_user_id = IdSelectField(_l("责任人"))
    received_on = DateField(
        _l("收到日期"), default=clock.today, validators=[DataRequired(message=_l("请填写收到日期。")), not_future]
    )
    activity_id = IdSelectField(_l("招商活动"))
    version = HiddenField()

    def company_id_value(self) -> int | None:
        return parse_id(self.company_id.data)


class VisitForm(BaseForm):
    visited_on = DateField(
        _l("拜访日期"), default=clock.today, validators=[DataRequired(message=_l("请填写拜访日期。")), not_future]
    )
    kind_id = IdSelectField(_l("对接方式"))
    place = StringField(_l("地点"), validators=[Optional(), Length(max=200)])
    participant_ids = IdMultiField(_l("我方参与人员"))
    leader_present_id = IdSelectField(_l("出席领导"))
    counterpart = StringField(
        _l("对方人员及职务"),
        validators=[Optional(), Length(max=500)],
        description=_l("如：张总（董事长）、李经理（投资部）"),
    )
    summary = TextAreaField(_l("对接情况"), validators=[DataRequired(message=_l("请填写对接情况。")), Length(max=5000)])
    outcome = TextAreaField(_l("对接成果"), validators=[Optional(), Length(max=2000)])
    next_step = TextAreaField(_l("下一步计划"), validators=[Optional(), Length(max=2000)])
    follow_up_on = DateField(_l("下次跟进日期"), validators=[Optional()])
    activity_id = IdSelectField(_l("招商活动"))

    def validate_follow_up_on(self, field: Any) -> None:
        if field.data and self.visited_on.data and field.data < self.visited_on.data:
            raise ValidationError(_l("下次跟进日期不能早于拜访日期。"))


class StatusForm(BaseForm):
    to = HiddenField()
    note = TextAreaField(_l("说明"), validators=[Optional(), Length(max=2000)])
    version = HiddenField()


class ShelveForm(BaseForm):
    reason_id = IdSelectField(_l("搁置原因"), validators=[DataRequired(message=_l("搁置线索须选择搁置原因。"))])
    note = TextAreaField(_l("说明"), validators=[Optional(), Length(max=2000)])
    version = HiddenField()


class UnshelveForm(BaseForm):
    note = TextAreaField(_l("说明"), validators=[Optional(), Length(max=2000)])
    version = HiddenField()


class ConvertForm(BaseForm):
    name = StringField(_l("项目名称"), validators=[DataRequired(message=_l("请填写项目名称。")), Length(max=200)])
    planned_investment = MoneyField(_l("计划总投资（万元）"), validators=[Optional()], guard=True)
    confirm_amount = BooleanField(_l("金额核对无误"))
    industry_id = IdSelectField(_l("产业类别"))
    location = StringField(_l("项目地点"), validators=[Optional(), Length(max=200)])
    lead_department_id = IdSelectField(_l("牵头部门"), validators=[DataRequired(message=_l("请选择牵头部门。"))])
    responsible_leader_id = IdSelectField(_l("责任领导"))
    is_key = BooleanField(_l("重点项目"))
    note = TextAreaField(_l("说明"), validators=[Optional(), Length(max=2000)])
    version = HiddenField()

    def project_data(self) -> dict[str, Any]:
        """What `pipeline.convert_lead` takes (is_key only when the form has it)."""
        names = ("name", "planned_investment", "industry_id", "location", "lead_department_id", "note")
        data = {name: self[name].data for name in names}
        data["responsible_leader_id"] = self.responsible_leader_id.data
        data["is_key"] = "is_key" in self and self.is_key.data
        return data
