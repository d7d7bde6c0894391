"""What the resource modules share: loading a record the caller may see
(404 otherwise — the same answer for "missing" and "not yours", so nothing
leaks), running one service call as the request's unit of work (a refusal
becomes a JSON error on the field it names, a stale version a 409), checks
that a chosen id is one the matching HTML form would offer, and the money
and text types of the schemas."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Annotated, Any

from flask import current_app
from pydantic import BeforeValidator, Field, ValidationInfo
from sqlalchemy.orm.exc import StaleDataError

from app.api.core import MAX_ID, ApiError
from app.db import db
from app.money import CNY, MAX_AMOUNT, USD, MoneyError, describe, parse_money
from app.refusals import Refusal, StaleEdit


def _money_reader(currency: str) -> BeforeValidator:
    """A string amount goes through the one money parser (app/money.py):
    "3.5亿", "3500万", "12,000" as on the forms; a number is in the unit."""

    def read(value: Any) -> Any:
        return parse_money(value, currency) if isinstance(value, str) else value

    return BeforeValidator(read)


_AMOUNT = Field(ge=0, lt=MAX_AMOUNT, decimal_places=4, allow_inf_nan=False)
# 万元 amounts as the forms accept them: ≥ 0, at most 4 decimals (to the 元).
MoneyIn = Annotated[Decimal, _money_reader(CNY), _AMOUNT]
# 万美元 amounts (foreign investment).
UsdMoneyIn = Annotated[Decimal, _money_reader(USD), _AMOUNT]
# Put first in a body that has a guarded amount, so the amount's check sees it.
ConfirmAmount = Annotated[
    bool, Field(False, exclude=True, description="金额超过合理上限（默认 1,000 亿元）时，核对无误后置为 true")
]


def check_plausible(value: Decimal | None, info: ValidationInfo) -> Decimal | None:
    """One lead's or project's amount above MONEY_CONFIRM_ABOVE (万元) needs
    `confirm_amount: true`, as the form needs its 金额核对无误 box."""
    limit = Decimal(str(current_app.config["MONEY_CONFIRM_ABOVE"]))
    if value is not None and value > limit and not info.data.get("confirm_amount"):
        raise MoneyError(
            f"{describe(value)}，超过 {describe(limit)}，请核对单位；确认无误请同时提交 confirm_amount: true。"
        )
    return value


# 亩: ≥ 0, at most 2 decimals.
AreaIn = Annotated[Decimal, Field(ge=0, lt=Decimal("1000000000000"), decimal_places=2, allow_inf_nan=False)]
Version = Annotated[int, Field(ge=1, le=MAX_ID, description="读取记录时的 version（乐观锁）。")]


def forbid_unless(condition: bool, message: str = "您没有权限执行此操作。") -> None:
    if not condition:
        raise ApiError(403, message)


def refused(exc: Refusal) -> ApiError:
    """A service's refusal as the documented JSON error: its status (422 by
    default, 409 for a stale edit) and `{field: message}`."""
    return ApiError(exc.status, exc.message, {exc.field: exc.message} if exc.field else {})


@contextmanager
def saving() -> Iterator[None]:
    """Run the block as the request's one transaction: commit at the end;
    on a refusal (any `Refusal`, a stale version included) roll back and
    answer its JSON error; on anything else roll back and let it propagate."""
    try:
        yield
        db.session.commit()
    except ApiError:
        db.session.rollback()
        raise
    except Refusal as exc:
        db.session.rollback()
        raise refused(exc) from None
    except StaleDataError:
        db.session.rollback()
        raise refused(StaleEdit()) from None
    except Exception:
        db.session.rollback()
        raise


def check_choice(value: Any, choices: Iterable[tuple[Any, str]], field: str, message: str) -> None:
    """Refuse `value` unless it is among the select's `choices` (what the
    HTML form offers this user), as the form's select field would."""
    if value is None:
        return
    if value not in {choice for choice, _label in choices}:
        raise ApiError(422, message, {field: message})


def check_choices(values: Iterable[Any], choices: Iterable[tuple[Any, str]], field: str, message: str) -> None:
    allowed = {choice for choice, _label in choices}
    if any(value not in allowed for value in values):
        raise ApiError(422, message, {field: message})
