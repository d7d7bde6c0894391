"""Forms of project delivery: a year's plan (with its optional monthly
phasing), filing and correcting a monthly report, and bare confirmations.
Shape and format only; the services check the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.forms import BaseForm, MoneyField, MonthField


class PlanForm(BaseForm):
    planned_investment = MoneyField(
        _l("年度计划投资（万元）"), validators=[InputRequired(message=_l("请填写年度计划投资（万元）。"))]
    )
    planned_start_on = DateField(_l("计划开工日期"), validators=[Optional()])
    planned_production_on = DateField(_l("计划投产日期"), validators=[Optional()])
    content = TextAreaField(_l("年度建设内容"), validators=[Optional(), Length(max=5000)])
    # 分月计划: twelve amounts (all blank: time-proportional schedule).
    m1 = MoneyField(_l("1月"), validators=[Optional()])
    m2 = MoneyField(_l("2月"), validators=[Optional()])
    m3 = MoneyField(_l("3月"), validators=[Optional()])
    m4 = MoneyField(_l("4月"), validators=[Optional()])
    m5 = MoneyField(_l("5月"), validators=[Optional()])
    m6 = MoneyField(_l("6月"), validators=[Optional()])
    m7 = MoneyField(_l("7月"), validators=[Optional()])
    m8 = MoneyField(_l("8月"), validators=[Optional()])
    m9 = MoneyField(_l("9月"), validators=[Optional()])
    m10 = MoneyField(_l("10月"), validators=[Optional()])
    m11 = MoneyField(_l("11月"), validators=[Optional()])
    m12 = MoneyField(_l("12月"), validators=[Optional()])
    version = HiddenField()

    @property
    def month_fields(self) -> list:
        return [self[f"m{m}"] for m in range(1, 13)]


class NewPlanForm(PlanForm):
    year = IntegerField(
        _l("计划年度"),
        validators=[InputRequired(message=_l("请填写计划年度。")), NumberRange(2000, 2100, message=_l("年度有误。"))],
    )


class ReportForm(BaseForm):
    month = MonthField(_l("月报月份"), validators=[InputRequired(message=_l("请选择月报月份。"))])
    completed = MoneyField(
        _l("本月完成投资（万元）"), validators=[InputRequired(message=_l("请填写本月完成投资（万元）。"))]
    )
    progress = TextAreaField(_l("形象进度"), validators=[Optional(), Length(max=2000)])
    photo = FileField(_l("现场照片（JPG/PNG，可选）"))


class PhotoForm(BaseForm):
    photo = FileField(_l("现场照片（JPG/PNG）"))


class CorrectionForm(BaseForm):
    completed = MoneyField(
        _l("本月完成投资（万元）"), validators=[InputRequired(message=_l("请填写本月完成投资（万元）。"))]
    )
    progress = TextAreaField(_l("形象进度"), validators=[Optional(), Length(max=2000)])
    reason = StringField(_l("更正原因"), validators=[Optional(), Length(max=500)])
    version = HiddenField()


class CopyForwardForm(BaseForm):
    year = IntegerField(_l("新年度"), validators=[InputRequired(), NumberRange(2000, 2100)])


class ConfirmForm(BaseForm):
    """A bare POST with CSRF (review, remove)."""

    version = HiddenField()
