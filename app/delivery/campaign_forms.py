"""Forms of the 三个一批 campaign pages: the campaign, naming projects in a
batch (several at once), an item's planned date, and the bare confirmations
(remove, archive, restore). Shape and format only: the services re-check
the rules (period, duplicates, exited projects)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.forms import BaseForm
from app.params import parse_id


class CampaignForm(BaseForm):
    name = StringField(_l("活动名称"), validators=[DataRequired(message=_l("请填写活动名称。")), Length(max=200)])
    starts_on = DateField(_l("开始日期"), validators=[DataRequired(message=_l("请填写开始日期。"))])
    ends_on = DateField(_l("结束日期"), validators=[DataRequired(message=_l("请填写结束日期。"))])
    notes = TextAreaField(_l("说明"), validators=[Optional(), Length(max=5000)])
    version = HiddenField()

    def validate_ends_on(self, field: Any) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("结束日期不能早于开始日期。"))

    def campaign_data(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "notes": self.notes.data,
        }


def _project_id(value: Any) -> int:
    """A posted project id; -1 (never an id) for anything else."""
    return parse_id(value) or -1


class AddItemsForm(BaseForm):
    """Projects ticked in the picker (ids checked by the view against what
    the admin may see), with one planned date and note for all of them."""

    project_ids = SelectMultipleField(_l("项目"), coerce=_project_id, validate_choice=False)
    planned_on = DateField(_l("计划日期"), validators=[Optional()])
    note = StringField(_l("备注"), validators=[Optional(), Length(max=500)])

    def validate_project_ids(self, field: Any) -> None:
        if not field.data:
            raise ValidationError(_l("请至少勾选一个项目。"))
        if -1 in field.data:
            raise ValidationError(_l("所选项目无效，请重新选择。"))


class ItemForm(BaseForm):
    planned_on = DateField(_l("计划日期"), validators=[Optional()])
    note = StringField(_l("备注"), validators=[Optional(), Length(max=500)])


class ConfirmForm(BaseForm):
    """A bare POST with CSRF (remove an item, archive, restore)."""
