"""Form base class and shared fields/validators. Flask-WTF adds CSRF to
every form; WTForms' own messages come in Chinese through Babel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import DecimalField, SelectField, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import TextInput

from app.money import CNY, MAX_AMOUNT, USD, MoneyError, describe, parse_money


class BaseForm(FlaskForm):
    """Every form: CSRF on, WTForms messages translated, text fields stripped."""

    # Set by a guarded MoneyField above the plausibility limit: the template
    # then shows the form's `confirm_amount` checkbox.
    asks_confirmation = False

    class Meta:
        locales = ["zh_CN", "zh"]

        def bind_field(self, form: Any, unbound_field: Any, options: dict) -> Any:
            filters = list(unbound_field.kwargs.get("filters", []))
            if unbound_field.field_class.__name__ in {"StringField", "TextAreaField", "EmailField", "TelField"}:
                filters.append(strip_filter)
            return unbound_field.bind(form=form, filters=filters, **options)


def strip_filter(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "").strip()
    return value


class QuantityField(DecimalField):
    """A non-negative Decimal typed by a person: thousands separators (half-
    or full-width) accepted, at most `places` decimals, below `maximum`.
    Subclasses set the unit's messages."""

    places = 2
    maximum = Decimal("1000000000000")
    not_a_number = _l("请输入数字。")
    negative = _l("不能为负数。")
    too_large = _l("数值过大，请核对单位。")
    too_precise = _l("最多保留 2 位小数。")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # DecimalField sets `places` on the instance (2 unless given), which
        # would hide the subclass's: 万元 amounts are exact to the 元 (4).
        kwargs.setdefault("places", self.places)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist:
            raw = (valuelist[0] or "").replace(",", "").replace("，", "").strip()
            if raw == "":
                self.data = None
                return
            try:
                value = Decimal(raw)
            except InvalidOperation:
                self.data = None
                raise ValueError(self.not_a_number) from None
            if not value.is_finite():
                self.data = None
                raise ValueError(self.not_a_number)
            self.data = value

    def pre_validate(self, form: Any) -> None:
        if self.data is None:
            return
        if self.data < 0:
            raise ValidationError(self.negative)
        if self.data >= self.maximum:
            raise ValidationError(self.too_large)
        if self.data.as_tuple().exponent < -self.places:  # type: ignore[operator]
            raise ValidationError(self.too_precise)


class MoneyInput(TextInput):
    """A text input (a number input would swallow 亿 and 万) that asks the
    server's one parser what it reads as the person types (htmx), shown
    under the field."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("inputmode", "decimal")
        kwargs.setdefault("autocomplete", "off")
        kwargs["hx-get"] = url_for("main.money_preview", currency="usd" if field.currency == USD else "cny")
        kwargs["hx-trigger"] = "input changed delay:300ms"
        kwargs["hx-target"] = f"#{field.id}-preview"
        kwargs["aria-describedby"] = f"{field.id}-preview"
        return super().__call__(field, **kwargs)


class MoneyField(QuantityField):
    """An amount in 万元 (or 万美元: `currency=USD`), read by the one money
    parser (app/money.py): `3.5亿`, `3500万`, `12,000`, full-width digits.
    What cannot be read is refused with a message naming the field.

    `guard=True` (one lead's or project's investment) asks for confirmation
    above MONEY_CONFIRM_ABOVE (万元): the form needs a `confirm_amount`
    checkbox, which the template shows once the question is asked."""

    widget = MoneyInput()
    places = 4
    maximum = MAX_AMOUNT
    too_large = _l("金额过大，请核对单位（万元）。")

    def __init__(self, *args: Any, currency: str = CNY, guard: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.guard = guard

    @property
    def preview(self) -> str:
        """What the current value means ('35,000 万元（3.5 亿元）'), or ''."""
        return describe(self.data, self.currency) if isinstance(self.data, Decimal) else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        try:
            self.data = parse_money(valuelist[0], self.currency)
        except MoneyError as error:
            self.data = None
            raise ValueError(f"{self.label.text}：{error.message}") from None

    def pre_validate(self, form: Any) -> None:
        if self.data is None:
            return
        if self.data >= self.maximum:
            raise ValidationError(self.too_large)
        limit = Decimal(str(current_app.config["MONEY_CONFIRM_ABOVE"]))
        confirm = getattr(form, "confirm_amount", None)
        if self.guard and self.data > limit and not (confirm is not None and confirm.data):
            form.asks_confirmation = True
            raise ValidationError(
                _l(
                    "%(amount)s，超过 %(limit)s，请核对单位；确认无误请勾选「金额核对无误」后再保存。",
                    amount=describe(self.data, self.currency),
                    limit=describe(limit, self.currency),
                )
            )


class AreaField(QuantityField):
    """Land in 亩: a number ≥ 0 with at most 2 decimals."""

    not_a_number = _l("请输入数字（亩）。")
    negative = _l("用地面积不能为负数。")
    too_large = _l("数值过大，请核对单位（亩）。")
    too_precise = _l("用地面积最多保留 2 位小数。")


class IdSelectField(SelectField):
    """A select of record ids whose choices are loaded by the view; a posted id
    that is not among them is refused with a clear message."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", _int_or_none)
        kwargs.setdefault("validate_choice", True)
        super().__init__(*args, **kwargs)

    def pre_validate(self, form: Any) -> None:
        if self.data is None and not self.flags.required:
            return
        values = {value for value, *_rest in self.iter_choices()}
        if self.data not in values:
            raise ValidationError(_l("所选项不存在或不可选，请重新选择。"))


def _int_or_none(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # never a valid id: pre_validate refuses it


def parse_month(raw: str | None) -> dt.date | None:
    """'2026-03' (or '2026-3', '2026-03-15') → date(2026, 3, 1); None if unreadable."""
    parts = (raw or "").strip().split("-")
    if len(parts) not in (2, 3):
        return None
    try:
        return dt.date(int(parts[0]), int(parts[1]), 1)
    except ValueError:
        return None


class MonthField(StringField):
    """A month as 'YYYY-MM' (the browser's <input type=month>) → first day."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and valuelist[0]:
            self.data = parse_month(valuelist[0])
            if self.data is None:
                raise ValueError(_l("请按“年-月”填写月份，如 2026-03。"))
        else:
            self.data = None

    def _value(self) -> str:
        return self.data.strftime("%Y-%m") if self.data else ""
