"""The quick visit form (批量记录拜访): one 对接方式 for the submission and up
to ten rows, each a company (picked or typed), a date, what was discussed
and who went. Shape only: `quick_visits.log_visits` checks the rules."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, FieldList, Form, FormField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.activities.quick_visits import MAX_ROWS, VisitRow
from app.companies.fields import IdMultiField
from app.forms import BaseForm, IdSelectField, strip_filter

FIRST_ROWS = 3


class VisitRowForm(Form):
    """One row (no CSRF of its own: the whole form carries it)."""

    class Meta:
        locales = ["zh_CN", "zh"]

    # lead:<id>, project:<id>, company:<id>, new, or empty (the typed name)
    pick = StringField(filters=[strip_filter], validators=[Length(max=30)])
    company_name = StringField(_l("企业名称"), filters=[strip_filter], validators=[Optional(), Length(max=200)])
    title = StringField(_l("投资意向（新线索）"), filters=[strip_filter], validators=[Optional(), Length(max=200)])
    visited_on = DateField(_l("拜访日期"), validators=[Optional()])
    summary = TextAreaField(_l("拜访内容"), filters=[strip_filter], validators=[Optional(), Length(max=5000)])
    participant_ids = IdMultiField(_l("我方人员"))
    confirm_new_company = BooleanField(_l("确认新建同名企业：我已核实这是另一家企业"))
    confirm_duplicate = BooleanField(_l("我已知悉其他部门正在跟进，仍然保存（将标记撞单，由管理员裁定）"))


class QuickVisitsForm(BaseForm):
    kind_id = IdSelectField(_l("对接方式"))
    rows = FieldList(FormField(VisitRowForm), min_entries=FIRST_ROWS, max_entries=MAX_ROWS)

    def setup(self, people: list[tuple[int, str]], kinds: list[tuple[Any, str]]) -> None:
        self.kind_id.choices = kinds
        for entry in self.rows:
            entry.form.participant_ids.choices = people

    def visit_rows(self) -> list[VisitRow]:
        return [
            VisitRow(
                number=number,
                pick=entry.form.pick.data or "",
                company_name=entry.form.company_name.data or "",
                title=entry.form.title.data or "",
                visited_on=entry.form.visited_on.data,
                summary=entry.form.summary.data or "",
                participant_ids=list(entry.form.participant_ids.data or []),
                confirm_new_company=bool(entry.form.confirm_new_company.data),
                confirm_duplicate=bool(entry.form.confirm_duplicate.data),
            )
            for number, entry in enumerate(self.rows, start=1)
        ]
