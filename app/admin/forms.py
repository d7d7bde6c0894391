"""Admin forms: users, departments, reference list entries, working-day overrides."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from app.audit import ACTION_LABELS, ENTITY_LABELS
from app.forms import BaseForm, IdSelectField
from app.models import DataScope, DepartmentKind, Role


class UserForm(BaseForm):
    username = StringField(
        _l("用户名"),
        validators=[
            DataRequired(),
            Length(min=2, max=50),
            Regexp(r"^[A-Za-z0-9_.\-]+$", message=_l("用户名只能包含字母、数字、下划线、点和横线。")),
        ],
    )
    name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=50)])
    title = StringField(_l("职务"), validators=[Optional(), Length(max=50)])
    phone = StringField(_l("电话"), validators=[Optional(), Length(max=30)])
    role = SelectField(
        _l("角色"),
        choices=[("", _l("— 请选择 —")), *Role.choices()],  # nothing preselected: least privilege is a choice
        validators=[DataRequired(message=_l("请选择角色。"))],
    )
    confirm_admin = BooleanField(_l("确认授予管理员权限（可管理全部数据、用户和系统设置）"))
    already_admin = False  # set by the view when editing an administrator
    scope = SelectField(_l("数据范围"), choices=DataScope.choices(), default=DataScope.DEPARTMENT.value)
    department_id = IdSelectField(_l("所属部门"))
    reviews_investment = BooleanField(_l("可审核投资月报（审核后该月锁定）"))
    password = PasswordField(_l("初始密码"), validators=[Optional(), Length(max=128)])

    def validate_role(self, field: SelectField) -> None:
        if field.data == Role.ADMIN.value and not self.already_admin and not self.confirm_admin.data:
            raise ValidationError(_l("将授予管理员权限：请确认后勾选下方「确认授予管理员权限」再保存。"))


class ResetPasswordForm(BaseForm):
    password = PasswordField(_l("新密码"), validators=[DataRequired(), Length(max=128)])


class DepartmentForm(BaseForm):
    name = StringField(_l("部门名称"), validators=[DataRequired(), Length(max=100)])
    short_name = StringField(_l("简称"), validators=[Optional(), Length(max=30)])
    kind = SelectField(_l("类型"), choices=DepartmentKind.choices(), validators=[DataRequired()])
    parent_id = IdSelectField(_l("上级部门"))
    sort_order = IntegerField(_l("排序"), default=0, validators=[Optional(), NumberRange(min=0, max=100000)])
    active = BooleanField(_l("启用"), default=True)


class RefItemForm(BaseForm):
    name = StringField(_l("名称"), validators=[DataRequired(), Length(max=50)])
    sort_order = IntegerField(_l("排序"), default=0, validators=[Optional(), NumberRange(min=0, max=100000)])
    needs_note = BooleanField(_l("选择时须填写说明"))
    active = BooleanField(_l("启用"), default=True)


class AuditFilterForm(BaseForm):
    """Filters of the audit log (GET, no CSRF)."""

    user_id = IdSelectField(_l("操作人"))
    entity = SelectField(_l("对象"), choices=[("", _l("全部对象")), *ENTITY_LABELS.items()], default="")
    entity_id = IntegerField(_l("记录编号"), validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])
    action = SelectField(_l("操作"), choices=[("", _l("全部操作")), *ACTION_LABELS.items()], default="")
    date_from = DateField(_l("起始日期"), validators=[Optional()])
    date_to = DateField(_l("截止日期"), validators=[Optional()])

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("截止日期不能早于起始日期。"))


class WorkdayOverrideForm(BaseForm):
    day = DateField(_l("日期"), validators=[DataRequired(message=_l("请选择日期。"))])
    is_workday = SelectField(
        _l("本区安排"), choices=[("0", _l("休息")), ("1", _l("上班"))], validators=[DataRequired()]
    )
    note = StringField(_l("说明"), validators=[DataRequired(message=_l("请填写说明。")), Length(max=100)])
