"""Money as people type it: the one parser behind every form, import and
API body.

An amount is stored as a Decimal in the field's unit — 万元, or 万美元 for
the few fields in foreign currency. People write `3500`, `3,500`, `3500万`,
`3500万元`, `3.5亿`, `3.5亿元`, `35000000元`, full-width `１２，０００`; a
plain number is in the field's unit. A unit of the other currency is refused
(never converted, never dropped), as is anything else the parser cannot read:
no guess, no truncation.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from app.refusals import Refusal

CNY = "万元"
USD = "万美元"
TEN_THOUSAND = Decimal(10000)
MAX_AMOUNT = Decimal("100000000000000")  # in the field's unit: far above any real project
PLACES = 4  # 万元 exact to the 元

_PLAIN = re.compile(r"^\d+(?:\.\d+)?$")
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_UNIT = re.compile(r"^(?P<number>.*?)(?P<unit>亿美元|万美元|美元|亿元|亿|万元|万|元)?$")
# unit → (currency, factor into the field's 万 unit)
_UNITS = {
    "亿元": (CNY, TEN_THOUSAND),
    "亿": (CNY, TEN_THOUSAND),
    "万元": (CNY, Decimal(1)),
    "万": (CNY, Decimal(1)),
    "元": (CNY, Decimal("0.0001")),
    "亿美元": (USD, TEN_THOUSAND),
    "万美元": (USD, Decimal(1)),
    "美元": (USD, Decimal("0.0001")),
}


class MoneyError(Refusal, ValueError):
    """An amount that cannot be read; the message says why, in Chinese."""


def _examples(currency: str) -> str:
    return "3500、3,500、3500万、3.5亿" if currency == CNY else "120、1.2万美元"


def parse_money(value: Any, currency: str = CNY) -> Decimal | None:
    """The amount in `currency` (万元 or 万美元), or None for an empty value."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise MoneyError(_("金额格式无法识别（示例：%(examples)s）。", examples=_examples(currency)))
    if isinstance(value, (int, float, Decimal)):
        number, factor = Decimal(str(value)), Decimal(1)
    else:
        number, factor = _read_text(str(value), currency)
    if not number.is_finite():
        raise MoneyError(_("金额格式无法识别（示例：%(examples)s）。", examples=_examples(currency)))
    if number < 0:
        raise MoneyError(_("金额不能为负数。"))
    number *= factor
    if number >= MAX_AMOUNT:
        raise MoneyError(_("金额过大，请核对单位（%(unit)s）。", unit=currency))
    if number.normalize().as_tuple().exponent < -PLACES:  # type: ignore[operator]
        raise MoneyError(_("金额最多精确到元（%(unit)s 保留 4 位小数）。", unit=currency))
    return number


def _read_text(raw: str, currency: str) -> tuple[Decimal, Decimal]:
    text = "".join(unicodedata.normalize("NFKC", raw).split()).replace("億", "亿").replace("萬", "万")
    negative = text.startswith("-")
    match = _UNIT.match(text.lstrip("-"))
    digits = match.group("number") if match else ""
    unit = match.group("unit") if match else None
    if not (_PLAIN.match(digits) or _GROUPED.match(digits)):
        raise MoneyError(_("金额格式无法识别（示例：%(examples)s）。", examples=_examples(currency)))
    unit_currency, factor = _UNITS.get(unit or "", (currency, Decimal(1)))
    if unit_currency != currency:
        raise MoneyError(_("此项以%(unit)s计，不能填写「%(written)s」。", unit=currency, written=unit))
    try:
        number = Decimal(digits.replace(",", ""))
    except InvalidOperation:
        raise MoneyError(_("金额格式无法识别（示例：%(examples)s）。", examples=_examples(currency))) from None
    return (-number if negative else number), factor


def describe(amount: Decimal, currency: str = CNY) -> str:
    """'35,000 万元（3.5 亿元）': what a parsed amount means, for the preview."""
    shown = _plain(amount)
    if amount >= TEN_THOUSAND:
        big_unit = "亿元" if currency == CNY else "亿美元"
        return f"{shown} {currency}（{_plain(amount / TEN_THOUSAND)} {big_unit}）"
    return f"{shown} {currency}"


def _plain(number: Decimal) -> str:
    """12,000 / 3.5 / 1,234.5678: thousands separators, no trailing zeros."""
    text = f"{number:,.4f}".rstrip("0").rstrip(".")
    return text or "0"
