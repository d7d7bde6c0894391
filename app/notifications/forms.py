"""The channel form (admin): shape only; the services check the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import BaseForm, IdSelectField
from app.lookups import department_choices, user_choices
from app.models import ChannelKind


class ChannelForm(BaseForm):
    kind = SelectField(_l("类型"), choices=[], validators=[DataRequired()])  # set by the view
    name = StringField(_l("名称"), validators=[DataRequired(), Length(max=100)])
    department_id = IdSelectField(_l("部门（部门群机器人）"), validators=[Optional()])
    user_id = IdSelectField(_l("个人（个人邮箱或机器人）"), validators=[Optional()])
    target = StringField(_l("机器人地址 / 邮箱"), validators=[DataRequired(), Length(max=500)])
    secret = PasswordField(_l("钉钉加签密钥（不修改请留空）"), validators=[Optional(), Length(max=200)])
    events = BooleanField(_l("推送事件消息"), default=True)
    digest = BooleanField(_l("推送每日摘要"), default=True)
    active = BooleanField(_l("启用"), default=True)


def channel_form(obj: object | None = None) -> ChannelForm:
    form = ChannelForm(obj=obj)
    form.kind.choices = [(k.value, k.label) for k in ChannelKind]
    form.department_id.choices = department_choices()
    form.user_id.choices = user_choices()
    if obj is not None and form.kind.data is not None and not isinstance(form.kind.data, str):
        form.kind.data = form.kind.data.value
    return form
