"""Reading cell values the way people write them: amounts (`3500`, `3,500`,
`3500万`, `3.5亿`), stages with or without 库, 是/否, dates. Each parser
returns the value or raises CellError with a Chinese message — never a guess."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal
from typing import Any

from app import clock
from app.models import Stage
from app.money import CNY, MoneyError, parse_money
from app.refusals import Refusal

STAGE_NAMES = {
    "谋划": Stage.PLANNING,
    "招引": Stage.ATTRACTING,
    "洽谈": Stage.ATTRACTING,
    "签约": Stage.SIGNED,
    "落地": Stage.LANDED,
    "开工": Stage.CONSTRUCTION,
    "在建": Stage.CONSTRUCTION,
    "投产": Stage.PRODUCTION,
    "退出": Stage.EXITED,
}


class CellError(Refusal, ValueError):
    """A cell that cannot be read; the message says why, in Chinese."""


def text(value: Any) -> str:
    """A cell as trimmed text ('' for empty), as written (names keep their
    full-width parentheses; matching normalizes separately)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\x00", "").replace("\u3000", " ").strip()


PROJECT_NAME_MAX = 200  # the project name column's length


def project_name(value: Any) -> tuple[str, str | None]:
    """A ledger's 项目名称 cell: (the name, the problem with it or None)."""
    name = text(value)
    if not name:
        return name, "项目名称不能为空。"
    if len(name) > PROJECT_NAME_MAX:
        return name, f"项目名称不能超过 {PROJECT_NAME_MAX} 个字符。"
    return name, None


def _norm(value: Any) -> str:
    """Text for parsing codes and keywords: NFKC, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text(value)).split())


def amount_wan(value: Any) -> Decimal | None:
    """An amount in 万元 (None for an empty cell), read by the one money
    parser (app/money.py): 亿 is converted, a foreign unit refused."""
    try:
        return parse_money(value, CNY)
    except MoneyError as error:
        raise CellError(error.message) from None


def stage(value: Any) -> Stage:
    name = _norm(value)
    if name.endswith("库"):
        name = name[:-1]
    if name.endswith("阶段"):
        name = name[:-2]
    if name not in STAGE_NAMES:
        raise CellError("项目阶段应为 谋划/招引/签约/落地/开工/投产/退出（可带“库”字）。")
    return STAGE_NAMES[name]


def yes_no(value: Any) -> bool | None:
    name = _norm(value)
    if not name:
        return None
    if name in ("是", "Y", "y", "yes", "Yes", "√", "1"):
        return True
    if name in ("否", "N", "n", "no", "No", "×", "0"):
        return False
    raise CellError("请填写“是”或“否”。")


def date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = _norm(value)
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"):
        try:
            parsed = dt.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
        if parsed.year < 1990 or parsed > clock.today():
            raise CellError("日期超出合理范围。")
        return parsed
    raise CellError("日期格式应为 2026-03-15 或 2026年3月15日。")
