"""Forms of the approval items: adding and editing an item, the three
status moves (申报, 办结, 无需办理), the approval document upload and a bare
confirmation. Shape and format only; the services check the rules (a
missing type, department or reason gets the service's message)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.forms import BaseForm, IdSelectField


class ItemForm(BaseForm):
    type_id = IdSelectField(_l("审批事项"))
    department_id = IdSelectField(_l("审批部门"))
    due_on = DateField(_l("计划完成日期"), validators=[Optional()])
    submitted_on = DateField(_l("申报日期"), validators=[Optional()])
    notes = TextAreaField(_l("备注"), validators=[Optional(), Length(max=5000)])
    version = HiddenField()

    def item_data(self) -> dict[str, Any]:
        return {
            "type_id": self.type_id.data,
            "department_id": self.department_id.data,
            "due_on": self.due_on.data,
            "submitted_on": self.submitted_on.data,
            "notes": self.notes.data,
        }


class NewItemForm(ItemForm):
    # Only the approving department (or admin) may record a 办结 at once.
    approved_on = DateField(_l("办结日期（已办结的填写）"), validators=[Optional()])

    def item_data(self) -> dict[str, Any]:
        return {**super().item_data(), "approved_on": self.approved_on.data}


class SubmitForm(BaseForm):
    submitted_on = DateField(_l("申报日期"), validators=[Optional()])


class ApproveForm(BaseForm):
    approved_on = DateField(_l("办结日期"), validators=[Optional()])
    version = HiddenField()


class NotNeededForm(BaseForm):
    not_needed_reason = StringField(_l("无需办理的原因"), validators=[Optional(), Length(max=500)])


class UploadForm(BaseForm):
    file = FileField(_l("批复文件（PDF/JPG/PNG）"))


class ConfirmForm(BaseForm):
    """A bare POST with CSRF (delete a file)."""
