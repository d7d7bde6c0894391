"""The unified social credit code (统一社会信用代码, GB 32100-2015).

18 characters from `0123456789ABCDEFGHJKLMNPQRTUWXY` (no I, O, S, V, Z):
position 1 the registering authority (1–9, and the letters A, N and Y, which
some popular validators wrongly refuse), 2 the kind of organisation, 3–8 the
region, 9–17 the organisation code, 18 the check character:
weights 3^(i−1) mod 31, check = (31 − Σ(value × weight) mod 31) mod 31.
"""

from __future__ import annotations

import unicodedata

from flask_babel import gettext as _

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {ch: i for i, ch in enumerate(CHARSET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
AUTHORITIES = frozenset("123456789ANY")


def clean(code: str | None) -> str:
    """Upper-case, half-width, spaces and dashes removed."""
    text = unicodedata.normalize("NFKC", code or "").upper()
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-—")


def check_character(first17: str) -> str:
    total = sum(VALUES[ch] * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """Why `code` (already cleaned) is not a valid credit code, or None."""
    if len(code) != 18:
        return _("统一社会信用代码应为 18 位（当前 %(n)d 位）。", n=len(code))
    bad = sorted({ch for ch in code if ch not in VALUES})
    if bad:
        return _("统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、S、V、Z）。", chars="、".join(bad))
    if code[0] not in AUTHORITIES:
        return _("统一社会信用代码第 1 位（登记管理部门代码）应为 1–9、A、N 或 Y。")
    if check_character(code[:17]) != code[17]:
        return _("统一社会信用代码校验位不正确，请核对后重新输入。")
    return None


def is_valid(code: str | None) -> bool:
    cleaned = clean(code)
    return bool(cleaned) and problem(cleaned) is None
