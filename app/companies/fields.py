"""Form fields shared by the company and lead forms: a multiple select of
record ids and the credit-code check with its message next to the field."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField
from wtforms.validators import ValidationError

from app.companies import credit_code as cc


class IdMultiField(SelectMultipleField):
    """A multiple select of record ids; an id not among the choices is
    refused with a clear message."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", _int)
        super().__init__(*args, **kwargs)

    def pre_validate(self, form: Any) -> None:
        values = {value for value, *_rest in self.iter_choices()}
        if any(item not in values for item in self.data or []):
            raise ValidationError(_l("所选项不存在或不可选，请重新选择。"))


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def credit_code_check(form: Any, field: Any) -> None:
    """Validate (and clean) a credit code typed into `field`."""
    code = cc.clean(field.data)
    if code:
        problem = cc.problem(code)
        if problem:
            raise ValidationError(problem)
        field.data = code
