"""Forms of the review pages: the event, a criterion of the sheet, a project
visited, a reviewer, a bare action (close, remove), and the scores a
reviewer posts for one project (`score-<criterion id>` boxes, read by
`posted_scores`). Shape only: the services check the rules."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, DateField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import BaseForm, IdSelectField
from app.params import parse_id

SCORE_PREFIX = "score-"


class EventForm(BaseForm):
    name = StringField(_l("观摩名称"), validators=[DataRequired(message=_l("请填写观摩名称。")), Length(max=200)])
    held_on = DateField(_l("观摩日期"), validators=[DataRequired(message=_l("请填写观摩日期。"))])
    kind = StringField(_l("观摩类型"), validators=[DataRequired(message=_l("请填写观摩类型。")), Length(max=50)])
    drop_extremes = BooleanField(_l("去掉一个最高分和一个最低分（评委 3 人及以上时）"))
    notes = TextAreaField(_l("说明"), validators=[Optional(), Length(max=5000)])
    version = HiddenField()

    def event_data(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "held_on": self.held_on.data,
            "kind": self.kind.data,
            "drop_extremes": self.drop_extremes.data,
            "notes": self.notes.data,
        }


class CriterionForm(BaseForm):
    name = StringField(_l("评分指标"), validators=[DataRequired(message=_l("请填写评分指标名称。")), Length(max=50)])
    weight = StringField(_l("权重"), validators=[DataRequired(message=_l("请填写权重。")), Length(max=20)])


class ProjectPickForm(BaseForm):
    project_id = IdSelectField(_l("观摩项目"), validators=[DataRequired(message=_l("请选择项目。"))])


class ReviewerForm(BaseForm):
    user_id = IdSelectField(_l("评委"), validators=[DataRequired(message=_l("请选择评委。"))])


class ActionForm(BaseForm):
    """A button that changes something: CSRF and, where it matters, the
    version the page was read at."""

    version = HiddenField()


def posted_scores(form: MultiDict) -> dict[int, str]:
    """{criterion id: the raw box} from the posted `score-<id>` boxes (an
    unreadable id is kept out; the service then finds the criterion
    missing)."""
    scores: dict[int, str] = {}
    for key, value in form.items():
        if key.startswith(SCORE_PREFIX) and (criterion_id := parse_id(key[len(SCORE_PREFIX) :])) is not None:
            scores[criterion_id] = (value or "").replace("\x00", "").strip()[:20]
    return scores
