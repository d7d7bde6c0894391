"""Sign-in and password forms."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.forms import BaseForm


class LoginForm(BaseForm):
    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=50)])
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(max=128)])
    remember = BooleanField(_l("记住我（14 天）"))


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(_l("当前密码"), validators=[DataRequired(), Length(max=128)])
    new_password = PasswordField(_l("新密码"), validators=[DataRequired(), Length(max=128)])
    confirm = PasswordField(
        _l("确认新密码"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("两次输入的新密码不一致。"))],
    )
