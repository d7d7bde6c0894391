"""Forms: agreement (with an optional new signing event and the scanned
agreement), signing event, funds received, archive, upload."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.forms import AreaField, BaseForm, IdSelectField, MoneyField, MonthField
from app.models import AgreementKind
from app.money import USD

NEW_EVENT = "new"


class AgreementForm(BaseForm):
    kind = SelectField(_l("协议类型"), choices=AgreementKind.choices(), validators=[DataRequired()])
    signed_on = DateField(_l("签约日期"), validators=[DataRequired(message=_l("请填写签约日期。"))])
    # '' (none), 'new' (create one inline) or an existing event id.
    signing_event = SelectField(_l("签约活动"), choices=[], validate_choice=False)
    new_event_name = StringField(_l("新签约活动名称"), validators=[Optional(), Length(max=200)])
    new_event_held_on = DateField(_l("活动日期"), validators=[Optional()])
    new_event_place = StringField(_l("活动地点"), validators=[Optional(), Length(max=200)])
    agreed_investment = MoneyField(
        _l("协议投资额（万元）"), validators=[InputRequired(message=_l("请填写协议投资额（万元）。"))]
    )
    is_capital_increase = BooleanField(_l("增资（补充协议，金额只填增资部分）"))
    foreign_investment = MoneyField(_l("外资额（万美元）"), validators=[Optional()], currency=USD)
    our_signatory = StringField(_l("我方签约人"), validators=[Optional(), Length(max=100)])
    their_signatory = StringField(_l("企业签约人"), validators=[Optional(), Length(max=100)])
    land_area = AreaField(_l("用地（亩）"), validators=[Optional()])
    committed_output = MoneyField(_l("承诺年产值（万元）"), validators=[Optional()])
    committed_tax = MoneyField(_l("承诺年税收（万元）"), validators=[Optional()])
    committed_construction_on = DateField(_l("承诺开工日期"), validators=[Optional()])
    committed_production_on = DateField(_l("承诺投产日期"), validators=[Optional()])
    notes = TextAreaField(_l("备注"), validators=[Optional(), Length(max=5000)])
    file = FileField(_l("协议扫描件（PDF/JPG/PNG，可选）"))
    version = HiddenField()

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.signing_event.data == NEW_EVENT:
            if not self.new_event_name.data:
                self.new_event_name.errors = [*self.new_event_name.errors, _l("新建签约活动须填写名称。")]
                valid = False
            if not self.new_event_held_on.data and not self.new_event_held_on.errors:
                self.new_event_held_on.errors = [*self.new_event_held_on.errors, _l("新建签约活动须填写日期。")]
                valid = False
        return valid

    def validate_signing_event(self, field: Any) -> None:
        if (field.data or "") not in {str(value) for value, *_rest in field.iter_choices()}:
            raise ValidationError(_l("所选签约活动不存在，请重新选择。"))

    def validate_committed_production_on(self, field: Any) -> None:
        start = self.committed_construction_on.data
        if field.data and start and field.data < start:
            raise ValidationError(_l("承诺投产日期不能早于承诺开工日期。"))

    def validate_is_capital_increase(self, field: Any) -> None:
        if field.data and self.kind.data != AgreementKind.SUPPLEMENTARY.value:
            raise ValidationError(_l("只有补充协议可以标记为增资。"))

    def agreement_data(self, event_id: int | None) -> dict[str, Any]:
        return {
            "kind": AgreementKind(self.kind.data),
            "signed_on": self.signed_on.data,
            "signing_event_id": event_id,
            "agreed_investment": self.agreed_investment.data,
            "is_capital_increase": self.is_capital_increase.data,
            "foreign_investment": self.foreign_investment.data,
            "our_signatory": self.our_signatory.data,
            "their_signatory": self.their_signatory.data,
            "land_area": self.land_area.data,
            "committed_output": self.committed_output.data,
            "committed_tax": self.committed_tax.data,
            "committed_construction_on": self.committed_construction_on.data,
            "committed_production_on": self.committed_production_on.data,
            "notes": self.notes.data,
        }

    def new_event_data(self) -> dict[str, Any]:
        return {
            "name": self.new_event_name.data,
            "held_on": self.new_event_held_on.data,
            "place": self.new_event_place.data,
        }


class EventForm(BaseForm):
    name = StringField(_l("活动名称"), validators=[DataRequired(), Length(max=200)])
    held_on = DateField(_l("活动日期"), validators=[DataRequired(message=_l("请填写活动日期。"))])
    place = StringField(_l("活动地点"), validators=[Optional(), Length(max=200)])
    organizer_department_id = IdSelectField(_l("主办单位"))


class FundingForm(BaseForm):
    month = MonthField(_l("到位月份"), validators=[InputRequired(message=_l("请选择到位月份。"))])
    amount = MoneyField(_l("当月到位资金（万元）"), validators=[InputRequired(message=_l("请填写到位金额（万元）。"))])
    note = StringField(_l("说明"), validators=[Optional(), Length(max=500)])


class ArchiveForm(BaseForm):
    reason = StringField(_l("归档原因"), validators=[DataRequired(message=_l("归档须填写原因。")), Length(max=500)])


class UploadForm(BaseForm):
    file = FileField(_l("选择文件（PDF/JPG/PNG）"))


class ConfirmForm(BaseForm):
    """A bare POST with CSRF (delete, restore)."""
