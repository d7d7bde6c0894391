"""Company, conflict-ruling and merge forms."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.companies.fields import IdMultiField, credit_code_check
from app.forms import BaseForm, IdSelectField


class CompanyForm(BaseForm):
    name = StringField(_l("企业名称"), validators=[DataRequired(message=_l("请填写企业名称。")), Length(max=200)])
    version = HiddenField()  # the company's version when the form was read (optimistic lock)
    credit_code = StringField(_l("统一社会信用代码"), validators=[Optional(), Length(max=30), credit_code_check])
    hq_region = StringField(_l("总部所在地"), validators=[Optional(), Length(max=100)])
    industry_id = IdSelectField(_l("产业类别"))
    tier_ids = IdMultiField(_l("企业类型"))
    notes = TextAreaField(_l("备注"), validators=[Optional(), Length(max=5000)])
    confirm_duplicate = BooleanField(_l("已核对，不是同一家企业，仍然保存"))


RULINGS = [
    ("reassign", _l("改派：由一个部门统一跟进")),
    ("share", _l("共同跟进：两个部门都可跟进")),
    ("split", _l("非同一企业：为撞单线索另建企业记录")),
]


class RuleForm(BaseForm):
    ruling = RadioField(_l("裁定结果"), choices=RULINGS, validators=[DataRequired(message=_l("请选择裁定结果。"))])
    department_id = IdSelectField(_l("改派给"))
    owner_user_id = IdSelectField(_l("新责任人"))
    new_company_name = StringField(_l("新企业名称"), validators=[Optional(), Length(max=200)])
    new_credit_code = StringField(
        _l("新企业统一社会信用代码"), validators=[Optional(), Length(max=30), credit_code_check]
    )
    note = TextAreaField(_l("裁定说明"), validators=[Optional(), Length(max=2000)])

    def ruling_data(self) -> dict[str, Any]:
        """What `conflicts.rule_conflict` takes besides the ruling itself."""
        names = ("department_id", "owner_user_id", "new_company_name", "new_credit_code", "note")
        return {name: self[name].data for name in names}

    def set_parties(self, departments: list[tuple[int, str]], users: list[tuple[int, str]]) -> None:
        self.department_id.choices = [("", "—"), *departments]
        self.owner_user_id.choices = [("", _l("暂不指定")), *users]


class MergeForm(BaseForm):
    other_id = IntegerField(
        _l("被合并企业编号"),
        validators=[DataRequired(message=_l("请选择要并入的企业。")), NumberRange(min=1, max=2**31 - 1)],
    )
    note = TextAreaField(_l("合并说明"), validators=[Optional(), Length(max=2000)])
    confirm = BooleanField(
        _l("我已核对两条记录为同一家企业"), validators=[DataRequired(message=_l("请确认两条记录为同一家企业。"))]
    )
