"""The activity form (create and edit) and the bare forms of the page's
buttons (archive, the trip report's upload and delete). Shape and format
only: the services check the rules (a missing title, kind, leader or
department, an end before the start, a plan of another year) and their
refusals land on the field they name (`attempt`)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, HiddenField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.forms import BaseForm, IdSelectField, MoneyField


class ActivityForm(BaseForm):
    kind_id = IdSelectField(_l("活动类型"))
    title = StringField(_l("活动名称"), validators=[Optional(), Length(max=200)])
    start_on = DateField(_l("开始日期"), validators=[Optional()])
    end_on = DateField(_l("结束日期"), validators=[Optional()])
    away = BooleanField(_l("外出招商（赴区外开展，计入外出招商次数和天数）"))
    regions = StringField(
        _l("前往地区"),
        validators=[Optional(), Length(max=1000)],
        description=_l("多个地区用顿号或逗号分隔，如：上海、深圳"),
    )
    leader_ids = SelectMultipleField(_l("带队领导"), coerce=int, validate_choice=True)
    participant_ids = SelectMultipleField(_l("参加人员"), coerce=int, validate_choice=True)
    department_id = IdSelectField(_l("组织部门"))
    plan_id = IdSelectField(_l("所属招商计划"))
    purpose = TextAreaField(_l("活动目的"), validators=[Optional(), Length(max=5000)])
    summary = TextAreaField(_l("活动成果"), validators=[Optional(), Length(max=10000)])
    budget = MoneyField(_l("经费（万元）"), validators=[Optional()])
    version = HiddenField()

    def activity_data(self) -> dict[str, Any]:
        """What the services take (`create_activity`, `update_activity`)."""
        return {
            "kind_id": self.kind_id.data,
            "title": self.title.data,
            "start_on": self.start_on.data,
            "end_on": self.end_on.data,
            "away": self.away.data,
            "regions": self.regions.data,
            "leader_ids": self.leader_ids.data or [],
            "participant_ids": self.participant_ids.data or [],
            "department_id": self.department_id.data,
            "plan_id": self.plan_id.data,
            "purpose": self.purpose.data,
            "summary": self.summary.data,
            "budget": self.budget.data,
        }


class ArchiveForm(BaseForm):
    version = HiddenField()


class UploadForm(BaseForm):
    file = FileField(_l("考察报告等附件（PDF/JPG/PNG）"))


class ConfirmForm(BaseForm):
    """A bare POST with CSRF (delete a file)."""
