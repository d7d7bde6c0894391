"""Forms of the meeting pages (联审联批会): the meeting itself and, read from
the same POST, one decision box per listed item (`decision-<item id>`).
Shape and format only: the services re-check the rules (no future date)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import DateField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import BaseForm, IdSelectField
from app.params import parse_id

DECISION_PREFIX = "decision-"
MAX_DECISION = 2000


class MeetingForm(BaseForm):
    title = StringField(_l("会议名称"), validators=[DataRequired(message=_l("请填写会议名称。")), Length(max=200)])
    held_on = DateField(_l("会议日期"), validators=[DataRequired(message=_l("请填写会议日期。"))])
    chair_id = IdSelectField(_l("主持人"), validators=[Optional()])
    notes = TextAreaField(_l("会议纪要"), validators=[Optional(), Length(max=10000)])
    version = HiddenField()

    def meeting_data(self) -> dict[str, Any]:
        return {
            "title": self.title.data,
            "held_on": self.held_on.data,
            "chair_id": self.chair_id.data,
            "notes": self.notes.data,
        }


def posted_decisions(form: MultiDict) -> tuple[dict[int, str], list[str]]:
    """({item id: decision text}, errors) from the posted `decision-<id>`
    boxes; an empty box is kept (it removes that item's decision)."""
    decisions: dict[int, str] = {}
    errors: list[str] = []
    for key, value in form.items():
        if not key.startswith(DECISION_PREFIX):
            continue
        item_id = parse_id(key[len(DECISION_PREFIX) :])
        if item_id is None:
            errors.append(str(_l("所列审批事项无效，请刷新页面后重试。")))
            continue
        text = (value or "").replace("\x00", "").strip()
        if len(text) > MAX_DECISION:
            errors.append(str(_l("每项决定不超过 %(n)d 字。", n=MAX_DECISION)))
            continue
        decisions[item_id] = text
    return decisions, errors
